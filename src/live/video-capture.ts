import type { VideoSource } from './options.js';
import type { EncodeRequest, EncodeResponse } from '../workers/jpeg-messages.js';
import { jpegEncoderUrl } from '../worker-urls.js';
import { bytesToBase64 } from '../audio/base64.js';

/** The longest side of a frame sent to the model. */
export const MAX_FRAME_SIDE = 768;
export const JPEG_QUALITY = 0.7;

export interface VideoCaptureOptions {
  /** Frames per second, 0.2-2. */
  fps: number;
  /** Sends one JPEG frame (base64) to the model. */
  send: (jpegBase64: string) => void;
  /** False while the connection cannot take a frame (reconnecting, socket backed up): the frame is skipped. */
  canSend: () => boolean;
  /** The browser ended the capture (its "Stop sharing" button, a camera unplugged). */
  onEnded: () => void;
}

export interface VideoStats {
  framesSent: number;
  framesSkipped: number;
  lastFrameBytes: number;
  /** Main-thread time of the last frame: grabbing the bitmap and handing it to the encoder. */
  lastMainThreadMs: number;
  /** Encoder time of the last frame (in the worker when available). */
  lastEncodeMs: number;
  width: number;
  height: number;
}

/** Fits `width`×`height` into a box whose longest side is at most `max`, keeping the aspect ratio. */
export function fitWithin(width: number, height: number, max = MAX_FRAME_SIDE): { width: number; height: number } {
  if (!(width > 0 && height > 0)) return { width: 0, height: 0 };
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Shares the camera or the screen with the model as JPEG frames at a low rate. Frames are encoded off the main
 * thread (a worker with OffscreenCanvas) where the browser allows it; a frame is skipped rather than queued while
 * the previous one is still encoding or the socket is backed up.
 */
export class VideoCapture {
  readonly stats: VideoStats = {
    framesSent: 0,
    framesSkipped: 0,
    lastFrameBytes: 0,
    lastMainThreadMs: 0,
    lastEncodeMs: 0,
    width: 0,
    height: 0,
  };

  private currentSource: VideoSource | null = null;
  private currentStream: MediaStream | null = null;
  private video?: HTMLVideoElement;
  private timer = 0;
  private encoding = false;
  private worker?: Worker;
  private workerFailed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, (response: EncodeResponse) => void>();
  private startToken = 0;

  constructor(private readonly options: VideoCaptureOptions) {}

  get source(): VideoSource | null {
    return this.currentSource;
  }

  get stream(): MediaStream | null {
    return this.currentStream;
  }

  /** Starts sharing `source`, replacing what is shared now. */
  async start(source: VideoSource): Promise<void> {
    if (this.currentSource === source && this.currentStream) return;
    const token = (this.startToken += 1);
    const stream =
      source === 'screen'
        ? await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 5 } }, audio: false })
        : await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    if (token !== this.startToken) {
      // A newer start() or a stop() came first.
      stream.getTracks().forEach((track) => track.stop());
      return;
    }
    this.stopCapture();
    this.currentSource = source;
    this.currentStream = stream;
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => {
        if (this.currentStream !== stream) return;
        this.stopCapture();
        this.options.onEnded();
      });
    }
    const video = (this.video ??= document.createElement('video'));
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    const fps = Number.isFinite(this.options.fps) ? Math.min(2, Math.max(0.2, this.options.fps)) : 1;
    this.timer = window.setInterval(() => void this.captureFrame(), 1000 / fps);
  }

  /** Stops sharing; the conversation goes on. */
  stop(): void {
    this.startToken += 1;
    this.stopCapture();
  }

  dispose(): void {
    this.stop();
    this.worker?.terminate();
    this.worker = undefined;
    for (const resolve of this.waiting.values()) resolve({ type: 'failed', id: -1, message: 'disposed' });
    this.waiting.clear();
  }

  private stopCapture(): void {
    clearInterval(this.timer);
    this.timer = 0;
    this.currentStream?.getTracks().forEach((track) => track.stop());
    this.currentStream = null;
    this.currentSource = null;
    if (this.video) this.video.srcObject = null;
  }

  private async captureFrame(): Promise<void> {
    const video = this.video;
    if (!video || !this.currentStream) return;
    if (this.encoding || !this.options.canSend() || video.videoWidth === 0) {
      this.stats.framesSkipped += 1;
      return;
    }
    this.encoding = true;
    const stream = this.currentStream;
    try {
      const { width, height } = fitWithin(video.videoWidth, video.videoHeight);
      const started = performance.now();
      const bitmap = await createImageBitmap(video, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium' });
      const result = await this.encode(bitmap, width, height, started);
      if (!result || stream !== this.currentStream) return;
      this.stats.framesSent += 1;
      this.stats.lastFrameBytes = result.bytes;
      this.stats.width = width;
      this.stats.height = height;
      this.options.send(result.base64);
    } catch {
      this.stats.framesSkipped += 1;
    } finally {
      this.encoding = false;
    }
  }

  private getWorker(): Worker | undefined {
    if (this.workerFailed || typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined') return undefined;
    if (!this.worker) {
      try {
        this.worker = new Worker(jpegEncoderUrl(), { type: 'module' });
        this.worker.onmessage = (event: MessageEvent<EncodeResponse>) => {
          const resolve = this.waiting.get(event.data.id);
          this.waiting.delete(event.data.id);
          resolve?.(event.data);
        };
        this.worker.onerror = () => {
          this.workerFailed = true;
          for (const resolve of this.waiting.values()) resolve({ type: 'failed', id: -1, message: 'worker failed' });
          this.waiting.clear();
          this.worker?.terminate();
          this.worker = undefined;
        };
      } catch {
        this.workerFailed = true;
        return undefined;
      }
    }
    return this.worker;
  }

  private async encode(
    bitmap: ImageBitmap,
    width: number,
    height: number,
    started: number,
  ): Promise<{ base64: string; bytes: number } | undefined> {
    const worker = this.getWorker();
    if (worker) {
      const id = (this.nextId += 1);
      const response = new Promise<EncodeResponse>((resolve) => this.waiting.set(id, resolve));
      const request: EncodeRequest = { type: 'encode', id, bitmap, width, height, quality: JPEG_QUALITY };
      worker.postMessage(request, [bitmap]);
      this.stats.lastMainThreadMs = performance.now() - started;
      const answer = await response;
      if (answer.type === 'encoded') {
        this.stats.lastEncodeMs = answer.encodeMs;
        return { base64: answer.base64, bytes: answer.bytes };
      }
      return undefined;
    }
    // No worker: encode asynchronously on the main thread (never the synchronous toDataURL).
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    this.stats.lastMainThreadMs = performance.now() - started;
    this.stats.lastEncodeMs = this.stats.lastMainThreadMs;
    return { base64: bytesToBase64(bytes), bytes: bytes.byteLength };
  }
}
