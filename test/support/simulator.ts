/** Browser-side helpers for tests that talk to the Live simulator started by web-test-runner. */
import { executeServerCommand } from '@web/test-runner-commands';
import { waitFor } from './wait-for.js';

export { waitFor } from './wait-for.js';
// Served by test/support/simulator-plugin.mjs.
// @ts-expect-error a virtual module without a declaration
import { simulatorUrl as url } from '/__simulator__.js';

export const simulatorUrl: string = url;

export interface ConnectionRecord {
  id: string;
  url: string;
  auth: { kind: string; credential: string | null; ok: boolean | null; error: string | null };
  setup: Record<string, any> | null;
  session: { id: string | null; resumed: boolean; resumedWith: string | null; handlesIssued: string[] };
  audio: {
    chunks: number;
    bytes: number;
    seconds: number;
    mimeTypes: string[];
    maxGapMs: number;
    soundChunks: number;
    /** When the simulator received the first and the latest chunk (its `Date.now()`), or null. */
    firstAt: number | null;
    lastAt: number | null;
  };
  video: { count: number; bytes: number; frames: Array<{ at: number; bytes: number; mimeType: string }> };
  texts: Array<{ at: number; via: string; text: string }>;
  toolResponses: Array<{ at: number; functionResponses: any; matched: boolean }>;
  toolCalls: Array<{ id: string; name: string; args: Record<string, unknown>; status: string }>;
  activity: Array<{ at: number; type: string }>;
  turns: { user: number; model: number; interrupted: number };
  received: { total: number; byType: Record<string, number> };
  close: { code: number; reason: string; initiatedBy: string } | null;
  [key: string]: unknown;
}

/** Runs a control action (`{ action, target?, ...params }`) on the simulator. */
export async function control(payload: Record<string, unknown>): Promise<Record<string, any>> {
  const result = await executeServerCommand<Record<string, any>, Record<string, unknown>>('simulator', payload);
  if (!result || result.ok === false) throw new Error(`simulator: ${result?.error ?? 'no answer'}`);
  return result;
}

export async function connections(): Promise<ConnectionRecord[]> {
  const result = await executeServerCommand<{ connections: ConnectionRecord[] }, Record<string, unknown>>('simulator', {
    route: 'connections',
  });
  return result.connections;
}

export async function openConnectionCount(): Promise<number> {
  const result = await executeServerCommand<{ open: number }, Record<string, unknown>>('simulator', { route: 'health' });
  return result.open;
}

/** Mints an ephemeral token at the simulator (as a site's backend would). */
export async function mintToken(body: Record<string, unknown> = {}): Promise<string> {
  const result = await control({ action: 'createToken', ...body });
  return String(result.name);
}

/** Resets the simulator between tests: forgets records, tokens, handles and settings changes. */
export async function resetSimulator(settings?: Record<string, unknown>): Promise<void> {
  await control({ action: 'reset', closeConnections: true });
  // Connections of the previous test may still be closing; wait, then forget their records too, so that a
  // test's first record is its own.
  await waitFor(async () => (await openConnectionCount()) === 0, { timeout: 5000, interval: 50, message: 'no open connection' });
  await control({ action: 'reset' });
  if (settings) await control({ action: 'configure', options: settings });
}
