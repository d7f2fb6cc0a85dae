/// <reference lib="webworker" />
/**
 * Compresses video frames to JPEG off the main thread: the frame is drawn, scaled, on an OffscreenCanvas,
 * compressed with `convertToBlob` and base64-encoded for `realtimeInput.video`.
 */
import { bytesToBase64 } from '../audio/base64.js';
import type { EncodeRequest, EncodeResponse } from './jpeg-messages.js';
import { errorMessage } from '../shared/error-message.js';

declare const self: DedicatedWorkerGlobalScope;

let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | null = null;

function contextFor(width: number, height: number): OffscreenCanvasRenderingContext2D {
  if (!canvas || canvas.width !== width || canvas.height !== height) {
    canvas = new OffscreenCanvas(width, height);
    context = canvas.getContext('2d', { alpha: false });
    // Screens are often scaled down by 3-5×: smoothing keeps small text legible instead of aliased.
    if (context) context.imageSmoothingQuality = 'high';
  }
  if (!context) throw new Error('No 2D context on OffscreenCanvas.');
  return context;
}

async function encode(request: EncodeRequest): Promise<EncodeResponse> {
  const started = performance.now();
  try {
    contextFor(request.width, request.height).drawImage(request.image, 0, 0, request.width, request.height);
  } finally {
    // A VideoFrame holds one of the camera's few buffers: give it back at once.
    request.image.close();
  }
  const blob = await canvas!.convertToBlob({ type: 'image/jpeg', quality: request.quality });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return {
    type: 'encoded',
    id: request.id,
    base64: bytesToBase64(bytes),
    bytes: bytes.byteLength,
    encodeMs: performance.now() - started,
  };
}

self.onmessage = (event: MessageEvent<EncodeRequest>) => {
  const request = event.data;
  if (request?.type !== 'encode') return;
  encode(request).then(
    (response) => self.postMessage(response),
    (error: unknown) => {
      const response: EncodeResponse = { type: 'failed', id: request.id, message: errorMessage(error) };
      self.postMessage(response);
    },
  );
};
