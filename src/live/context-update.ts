import type { LiveClientContextUpdate } from '@google/genai';
import type { LiveSessionOptions } from './live-session-options.js';
import type { LiveTool } from './types.js';
import { buildTools } from './config.js';
import { modelProfile } from './models.js';

/** New tools and/or system instruction for a running session. */
export interface ContextChanges {
  tools?: readonly LiveTool[];
  systemInstruction?: string;
}

/**
 * Takes `changes` into `options` (for the next connection's setup), and returns the context update to send now,
 * or null where the model takes none. Throws where a tool cannot be declared (`config-invalid`).
 */
export function contextUpdate(options: LiveSessionOptions, changes: ContextChanges): LiveClientContextUpdate | null {
  if ('tools' in changes) options.tools = changes.tools ?? [];
  if ('systemInstruction' in changes) options.systemInstruction = changes.systemInstruction;
  const profile = modelProfile(options.model);
  if (profile && !profile.contextUpdates) return null;
  const update: LiveClientContextUpdate = {};
  if ('systemInstruction' in changes) update.systemInstruction = { parts: [{ text: changes.systemInstruction ?? '' }], role: 'user' };
  if ('tools' in changes) update.tools = { tools: buildTools(options, profile) };
  return update;
}
