import { DEFAULT_MODEL } from '../shared/default-model.js';

/** The Live model a token is minted for when neither the handler options nor the request name one. */
export const DEFAULT_LIVE_MODEL = DEFAULT_MODEL;

/** `models/x`, `publishers/google/models/x` and `x` all name model `x`. */
export function bareModelId(model: string): string {
  const trimmed = model.trim();
  const index = trimmed.lastIndexOf('models/');
  return index >= 0 ? trimmed.slice(index + 'models/'.length) : trimmed;
}
