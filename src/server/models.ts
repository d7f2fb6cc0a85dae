/**
 * The Live model a token is minted for when neither the handler options nor the request name one: a current
 * native-audio model of the Gemini Developer API. Keep the element's `model` default equal to it.
 */
export const DEFAULT_LIVE_MODEL = 'gemini-2.5-flash-native-audio-preview-09-2025';

/** `models/x`, `publishers/google/models/x` and `x` all name model `x`. */
export function bareModelId(model: string): string {
  const trimmed = model.trim();
  const index = trimmed.lastIndexOf('models/');
  return index >= 0 ? trimmed.slice(index + 'models/'.length) : trimmed;
}
