import type { LiveUsage } from './types.js';

/**
 * Vertex AI names output tokens `candidates…` (the SDK renames them only in Vertex mode, and the element talks to
 * Vertex through a proxy in Gemini mode): map them to the Gemini API's `response…` names, so `gemini-live-usage`
 * has the same shape on both services. A Gemini field already present wins.
 */
export function normalizeUsage(usage: Record<string, unknown>): LiveUsage {
  const out: Record<string, unknown> = { ...usage };
  const renames: Array<[string, string]> = [
    ['candidatesTokenCount', 'responseTokenCount'],
    ['candidatesTokensDetails', 'responseTokensDetails'],
  ];
  for (const [vertex, gemini] of renames) {
    if (!(vertex in out)) continue;
    if (out[gemini] === undefined) out[gemini] = out[vertex];
    delete out[vertex];
  }
  return out as LiveUsage;
}
