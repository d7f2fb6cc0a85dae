/// <reference lib="webworker" />
/**
 * Encodes video frames to JPEG off the main thread: the bitmap is drawn on an OffscreenCanvas and compressed
 * with `convertToBlob`, then base64-encoded for `realtimeInput.video`.
 */
import { bytesToBase64 } from '../audio/base64.js';
import type { EncodeRequest, EncodeResponse } from './jpeg-messages.js';

declare const self: DedicatedWorkerGlobalScope;

let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | null = null;

self.onmessage = async (event: MessageEvent<EncodeRequest>) => {
  const request = event.data;
  if (!request || request.type !== 'encode') return;
  const started = performance.now();
  try {
    if (!canvas || canvas.width !== request.width || canvas.height !== request.height) {
      canvas = new OffscreenCanvas(request.width, request.height);
      context = canvas.getContext('2d');
    }
    if (!context) throw new Error('No 2D context on OffscreenCanvas.');
    context.drawImage(request.bitmap, 0, 0, request.width, request.height);
    request.bitmap.close();
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: request.quality });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const response: EncodeResponse = {
      type: 'encoded',
      id: request.id,
      base64: bytesToBase64(bytes),
      bytes: bytes.byteLength,
      encodeMs: performance.now() - started,
    };
    self.postMessage(response);
  } catch (error) {
    request.bitmap?.close?.();
    const response: EncodeResponse = { type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) };
    self.postMessage(response);
  }
};
