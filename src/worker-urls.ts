/**
 * URLs of the worker modules, relative to this file. It sits at the top of src/ so that the same relative path is
 * right in the source tree and in dist/, where every chunk lands at the top level and each worker in its folder.
 */
export function jpegEncoderUrl(): string {
  return new URL('./workers/jpeg-encoder.js', import.meta.url).href;
}

export function socketWorkerUrl(): string {
  return new URL('./pipeline/socket-worker.js', import.meta.url).href;
}
