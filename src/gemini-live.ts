/**
 * Entry point: registers `<gemini-live>`. Loading it twice (two script tags, two bundles) does not throw.
 * Nothing else happens at load time: no microphone, no network, no AudioContext.
 */
import { GeminiLiveElement } from './element/gemini-live-element.js';

export { GeminiLiveElement } from './element/gemini-live-element.js';
/** The model used when the `model` attribute is not set. */
export { DEFAULT_MODEL } from './shared/default-model.js';
export * from './events/index.js';
export type { GeminiLiveStrings, GeminiLiveStringsOverride } from './element/strings.js';
export type { LiveErrorCode, LiveErrorDetail, LiveState, LiveTool, LiveUsage, Turn } from './live/types.js';
export type { VideoSource } from './live/live-session-options.js';

if (!customElements.get('gemini-live')) {
  customElements.define('gemini-live', GeminiLiveElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'gemini-live': GeminiLiveElement;
  }
}
