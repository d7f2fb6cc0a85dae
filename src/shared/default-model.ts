/**
 * The Live model used when a page or a token request names none: the element's `model` default and the token
 * server's, one constant for both.
 */
export const DEFAULT_MODEL = 'gemini-3.8-live';

/** `models/x`, `publishers/google/models/x` and `x` all name model `x`. */
export function bareModelId(model: string): string {
  const trimmed = model.trim();
  const index = trimmed.lastIndexOf('models/');
  return index >= 0 ? trimmed.slice(index + 'models/'.length) : trimmed;
}
