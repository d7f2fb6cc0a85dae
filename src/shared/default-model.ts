/**
 * The Live model used when a page or a token request names none: the element's `model` default and the token
 * server's, one constant for both.
 */
export const DEFAULT_MODEL = 'gemini-2.5-flash-native-audio-preview-09-2025';
