import { DEFAULT_MODEL } from '../shared/default-model.js';

export { bareModelId } from '../shared/default-model.js';

/** The Live model a token is minted for when neither the handler options nor the request name one. */
export const DEFAULT_LIVE_MODEL = DEFAULT_MODEL;
