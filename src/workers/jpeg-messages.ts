/** Messages between the main thread and the JPEG encoder worker (`jpeg-encoder.ts`). */

/**
 * One frame to compress. `image` is transferred: a `VideoFrame` where the browser has WebCodecs (grabbing one
 * costs the main thread almost nothing), else an `ImageBitmap`. The worker scales it to `width`×`height` and
 * closes it.
 */
export interface EncodeRequest {
  type: 'encode';
  id: number;
  image: ImageBitmap | VideoFrame;
  width: number;
  height: number;
  /** JPEG quality, 0-1. */
  quality: number;
}

export type EncodeResponse =
  /** `encodeMs`: scaling, compression and base64 in the worker. */
  | { type: 'encoded'; id: number; base64: string; bytes: number; encodeMs: number }
  | { type: 'failed'; id: number; message: string };
