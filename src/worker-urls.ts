/**
 * The worker modules, relative to this file. It sits at the top of src/ so that the same relative path is right in
 * the source tree and in dist/, where every chunk lands at the top level and each worker in its folder.
 */

/**
 * Starts the JPEG encoder worker. `new Worker(new URL('…', import.meta.url))` is written out in one expression
 * because bundlers read that form as a worker entry and emit it as a file of its own (Vite, webpack). A bare
 * `new URL` is an asset to them instead, and Vite inlines an asset this small as a `data:` URL, which a
 * `worker-src 'self'` policy refuses.
 */
export function startJpegEncoder(): Worker {
  return new Worker(new URL('./workers/jpeg-encoder.js', import.meta.url), { type: 'module' });
}

/** URL of the socket worker. Bundlers copy it into their output as a file: at 12 KB it is over Vite's inline limit. */
export function socketWorkerUrl(): string {
  return new URL('./pipeline/socket-worker.js', import.meta.url).href;
}
