/**
 * `DEFAULT_LIVE_MODEL` is the package entry's `DEFAULT_MODEL` under the name `gemini-live/server` has always
 * exported: one constant, defined once, for the element's `model` default and the token server's.
 */
export { bareModelId, DEFAULT_MODEL as DEFAULT_LIVE_MODEL } from '../shared/default-model.js';
