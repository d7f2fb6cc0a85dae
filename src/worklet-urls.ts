/**
 * URLs of the AudioWorklet modules. This file sits at the top of `src/` (and its build output at the top of
 * `dist/`), so the same relative URL finds `worklets/*.js` next to it in both trees. Plain files on the page's
 * origin, never Blob URLs, so a strict Content-Security-Policy (`script-src 'self'`) allows them.
 */

/** URL of the capture processor module. */
export function captureProcessorUrl(): string {
  return new URL('./worklets/capture-processor.js', import.meta.url).href;
}

/** URL of the playback processor module. */
export function playbackProcessorUrl(): string {
  return new URL('./worklets/playback-processor.js', import.meta.url).href;
}
