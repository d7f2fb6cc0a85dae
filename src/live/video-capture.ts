import type { VideoSource } from './live-session-options.js';
import type { EncodeRequest, EncodeResponse } from '../workers/jpeg-messages.js';
import { startJpegEncoder } from '../worker-urls.js';
import { bytesToBase64 } from '../audio/base64.js';

/** The longest side of a frame sent to the model. */
export const MAX_FRAME_SIDE = 768;
export const JPEG_QUALITY = 0.7;

/** How long a frame may take in the encoder worker before the worker is given up. */
const WORKER_ANSWER_TIMEOUT_MS = 5000;
export const MIN_FPS = 0.2;
export const MAX_FPS = 2;
export const DEFAULT_FPS = 1;

/** What the camera is asked for; frames are scaled down to `MAX_FRAME_SIDE` anyway, the preview shows this. */
const CAMERA_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };

export interface VideoCaptureOptions {
  /** Frames per second, clamped to 0.2-2 (see `clampFps`). */
  fps: number;
  /** Sends one JPEG frame (base64) to the model. */
  send: (jpegBase64: string) => void;
  /** False while the connection cannot take a frame (reconnecting, socket backed up): the frame is skipped. */
  canSend: () => boolean;
  /** The browser ended the capture (its "Stop sharing" button, a camera unplugged). */
  onEnded: (source: VideoSource) => void;
  /** Video constraints for the camera, instead of 1280×720 ideal. */
  camera?: MediaTrackConstraints;
  /** URL of the JPEG encoder worker module; by default `workers/jpeg-encoder.js` next to the bundle. */
  encoderUrl?: string;
}

export interface VideoStats {
  framesSent: number;
  /** Frame times that passed without a frame: still encoding, socket backed up, or the frame was lost. */
  framesSkipped: number;
  lastFrameBytes: number;
  /**
   * Main-thread time of the last frame: the synchronous work of grabbing the scaled bitmap, handing it to the
   * encoder and sending the message (with the main-thread encoder, also drawing and base64).
   */
  lastMainThreadMs: number;
  /** JPEG compression and base64 of the last frame, in the worker when one is used. */
  lastEncodeMs: number;
  /** From the frame's tick to `send`: how far the model's view lags behind the camera. */
  lastLatencyMs: number;
  /** Where frames are compressed: a worker, or (where workers with OffscreenCanvas fail) the main thread. */
  encoder: 'worker' | 'main-thread' | null;
  width: number;
  height: number;
}

/** Fits `width`×`height` into a box whose longest side is at most `max`, keeping the aspect ratio. */
export function fitWithin(width: number, height: number, max = MAX_FRAME_SIDE): { width: number; height: number } {
  if (!(width > 0 && height > 0 && max > 0) || !Number.isFinite(width) || !Number.isFinite(height)) {
    return { width: 0, height: 0 };
  }
  const scale = Math.min(1, max / Math.max(width, height));
  return {
    width: Math.min(max, Math.max(1, Math.round(width * scale))),
    height: Math.min(max, Math.max(1, Math.round(height * scale))),
  };
}

/** Frames per second within 0.2-2; a value that is not a positive number means the default, 1. */
export function clampFps(fps: number): number {
  if (!Number.isFinite(fps) || fps <= 0) return DEFAULT_FPS;
  return Math.min(MAX_FPS, Math.max(MIN_FPS, fps));
}

interface EncodedFrame {
  base64: string;
  bytes: number;
}

/**
 * Shares the camera or the screen with the model as JPEG frames at a low rate. Frames are scaled while they are
 * grabbed and compressed off the main thread (a worker with OffscreenCanvas) where the browser allows it. A frame
 * is skipped rather than queued while the previous one is still encoding or the socket is backed up: the model
 * wants the newest view, not a backlog.
 */
export class VideoCapture {
  readonly stats: VideoStats = {
    framesSent: 0,
    framesSkipped: 0,
    lastFrameBytes: 0,
    lastMainThreadMs: 0,
    lastEncodeMs: 0,
    lastLatencyMs: 0,
    encoder: null,
    width: 0,
    height: 0,
  };

  /** Frames per second actually used. */
  readonly fps: number;

  /** The camera to ask for (`ideal`, so a camera that is gone gives the default); read at each camera start. */
  cameraId?: string;
  private currentSource: VideoSource | null = null;
  private currentStream: MediaStream | null = null;
  private video?: HTMLVideoElement;
  private timer = 0;
  private encoding = false;
  private worker?: Worker;
  private workerFailed = false;
  private useVideoFrame = true;
  private canvas?: OffscreenCanvas | HTMLCanvasElement;
  private nextId = 0;
  private readonly waiting = new Map<number, (response: EncodeResponse) => void>();
  /** Bumped by every start() and stop(): a start that is overtaken releases what it opened. */
  private startToken = 0;
  private disposed = false;

  constructor(private readonly options: VideoCaptureOptions) {
    this.fps = clampFps(options.fps);
  }

  /** What is shared now, or null. */
  get source(): VideoSource | null {
    return this.currentSource;
  }

  /** The shared stream (for a preview), or null. */
  get stream(): MediaStream | null {
    return this.currentStream;
  }

  /**
   * Starts sharing `source`, replacing what is shared now once the new stream is there (if the user cancels the
   * screen picker, the camera goes on). Rejects with the browser's error (`NotAllowedError` when refused).
   */
  async start(source: VideoSource, { restart = false } = {}): Promise<void> {
    if (this.disposed) throw new DOMException('The video capture was disposed.', 'InvalidStateError');
    if (this.currentSource === source && this.currentStream && !restart) return;
    const token = (this.startToken += 1);
    const stream = await this.open(source);
    if (token !== this.startToken) {
      // A newer start() or a stop() came first.
      stopTracks(stream);
      return;
    }
    const [track] = stream.getVideoTracks();
    if (!track || track.readyState === 'ended') {
      stopTracks(stream);
      throw new DOMException('The source gave no live video track.', 'NotReadableError');
    }
    this.stopCapture();
    this.currentSource = source;
    this.currentStream = stream;
    // The handler property, not addEventListener: Firefox calls only the former for a track's `ended`.
    track.onended = () => {
      if (this.currentStream !== stream) return;
      this.stopCapture();
      this.options.onEnded(source);
    };

    const video = (this.video ??= createHiddenVideo());
    video.srcObject = stream;
    // The first frame goes out as soon as there is one, then one per period.
    video.addEventListener('loadeddata', () => this.beginFrames(stream), { once: true });
    video.play().catch(() => undefined);
  }

  /** Stops sharing; the conversation goes on. */
  stop(): void {
    this.startToken += 1;
    this.stopCapture();
  }

  /** Stops sharing and ends the encoder worker. The capture cannot be started again. */
  dispose(): void {
    this.disposed = true;
    this.stop();
    this.worker?.terminate();
    this.worker = undefined;
    this.settleAll('disposed');
    this.video = undefined;
    this.canvas = undefined;
  }

  private open(source: VideoSource): Promise<MediaStream> {
    const media = navigator.mediaDevices;
    if (source === 'screen') {
      if (!media?.getDisplayMedia) return Promise.reject(new DOMException('Screen sharing is not supported here.', 'NotSupportedError'));
      return media.getDisplayMedia({
        video: { frameRate: { ideal: 5 } },
        audio: false,
        // Chromium hints: this very tab is offered (the page is often what the visitor wants help with), and the
        // shared tab can be switched from the browser's bar without a new track.
        selfBrowserSurface: 'include',
        surfaceSwitching: 'include',
      } as DisplayMediaStreamOptions);
    }
    if (!media?.getUserMedia) return Promise.reject(new DOMException('The camera is not available here.', 'NotSupportedError'));
    const camera = this.options.camera ?? CAMERA_CONSTRAINTS;
    return media.getUserMedia({ video: this.cameraId ? { ...camera, deviceId: { ideal: this.cameraId } } : camera, audio: false });
  }

  private beginFrames(stream: MediaStream): void {
    if (this.currentStream !== stream || this.timer) return;
    this.timer = window.setInterval(() => void this.captureFrame(), 1000 / this.fps);
    void this.captureFrame();
  }

  private stopCapture(): void {
    clearInterval(this.timer);
    this.timer = 0;
    if (this.currentStream) stopTracks(this.currentStream);
    this.currentStream = null;
    this.currentSource = null;
    if (this.video) {
      this.video.pause();
      this.video.srcObject = null;
    }
  }

  private async captureFrame(): Promise<void> {
    const video = this.video;
    const stream = this.currentStream;
    // Before the first frame there is nothing to skip.
    if (!video || !stream || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !video.videoWidth) return;
    if (this.encoding || !this.options.canSend()) {
      this.stats.framesSkipped += 1;
      return;
    }
    this.encoding = true;
    const tick = performance.now();
    let mainThreadMs = 0;
    const onMainThread = <T>(work: () => T): T => {
      const started = performance.now();
      try {
        return work();
      } finally {
        mainThreadMs += performance.now() - started;
      }
    };
    try {
      const { width, height } = fitWithin(video.videoWidth, video.videoHeight);
      const worker = this.getWorker();
      const frame = worker
        ? await this.encodeInWorker(worker, video, width, height, onMainThread)
        : await this.encodeHere(video, width, height, onMainThread);
      if (stream !== this.currentStream) return;
      if (!frame || !this.options.canSend()) {
        this.stats.framesSkipped += 1;
        return;
      }
      onMainThread(() => this.options.send(frame.base64));
      Object.assign(this.stats, {
        framesSent: this.stats.framesSent + 1,
        lastFrameBytes: frame.bytes,
        lastMainThreadMs: mainThreadMs,
        lastLatencyMs: performance.now() - tick,
        width,
        height,
      });
    } catch {
      if (stream === this.currentStream) this.stats.framesSkipped += 1;
    } finally {
      this.encoding = false;
    }
  }

  /**
   * Grabs the current frame for the worker. A `VideoFrame` wraps the decoded frame without copying it (about
   * 0.2 ms); `createImageBitmap` with resizing copies and scales on the main thread (20-40 ms for 720p in
   * software), so it is only the fallback.
   */
  private async grab(video: HTMLVideoElement, width: number, height: number): Promise<ImageBitmap | VideoFrame> {
    if (this.useVideoFrame && typeof VideoFrame === 'function') {
      try {
        return new VideoFrame(video);
      } catch {
        this.useVideoFrame = false;
      }
    }
    return createImageBitmap(video, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium' });
  }

  private async encodeInWorker(
    worker: Worker,
    video: HTMLVideoElement,
    width: number,
    height: number,
    onMainThread: <T>(work: () => T) => T,
  ): Promise<EncodedFrame | undefined> {
    const image = await onMainThread(() => this.grab(video, width, height));
    const id = (this.nextId += 1);
    const answer = new Promise<EncodeResponse>((resolve) => this.waiting.set(id, resolve));
    const request: EncodeRequest = { type: 'encode', id, image, width, height, quality: JPEG_QUALITY };
    try {
      onMainThread(() => worker.postMessage(request, [image]));
    } catch (error) {
      this.waiting.delete(id);
      image.close();
      throw error;
    }
    // A worker that stops answering would stall every later frame: give up on it and use the main thread.
    const timer = setTimeout(() => {
      if (this.waiting.has(id)) this.abandonWorker();
    }, WORKER_ANSWER_TIMEOUT_MS);
    const response = await answer;
    clearTimeout(timer);
    if (response.type === 'encoded') {
      this.stats.encoder = 'worker';
      this.stats.lastEncodeMs = response.encodeMs;
      return { base64: response.base64, bytes: response.bytes };
    }
    if (response.id !== -1) {
      // The worker could not draw or compress this frame: try an ImageBitmap next, then the main thread.
      if (image instanceof ImageBitmap) this.abandonWorker();
      else this.useVideoFrame = false;
    }
    return undefined;
  }

  /** The fallback: still asynchronous compression (never the synchronous `toDataURL`), on the main thread. */
  private async encodeHere(
    video: HTMLVideoElement,
    width: number,
    height: number,
    onMainThread: <T>(work: () => T) => T,
  ): Promise<EncodedFrame> {
    const started = performance.now();
    const blob = await onMainThread(() => {
      const canvas = this.fallbackCanvas(width, height);
      const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (!context) throw new Error('No 2D canvas context.');
      context.drawImage(video, 0, 0, width, height);
      if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
      return new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
    });
    if (!blob) throw new Error('The canvas gave no JPEG.');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const base64 = onMainThread(() => bytesToBase64(bytes));
    this.stats.encoder = 'main-thread';
    this.stats.lastEncodeMs = performance.now() - started;
    return { base64, bytes: bytes.byteLength };
  }

  private fallbackCanvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
    let canvas = this.canvas;
    if (!canvas) {
      canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
      this.canvas = canvas;
    }
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    return canvas;
  }

  private getWorker(): Worker | undefined {
    if (this.workerFailed || typeof Worker !== 'function' || typeof OffscreenCanvas !== 'function') return undefined;
    if (this.worker) return this.worker;
    try {
      const worker = this.options.encoderUrl ? new Worker(this.options.encoderUrl, { type: 'module' }) : startJpegEncoder();
      worker.onmessage = (event: MessageEvent<EncodeResponse>) => {
        const resolve = this.waiting.get(event.data?.id);
        this.waiting.delete(event.data?.id);
        resolve?.(event.data);
      };
      // The module did not load (blocked by a Content-Security-Policy, missing from the server): use the main thread.
      worker.onerror = (event) => {
        event.preventDefault();
        this.abandonWorker();
      };
      this.worker = worker;
      return worker;
    } catch {
      this.workerFailed = true;
      return undefined;
    }
  }

  private abandonWorker(): void {
    this.workerFailed = true;
    this.worker?.terminate();
    this.worker = undefined;
    this.settleAll('worker failed');
  }

  private settleAll(message: string): void {
    for (const resolve of this.waiting.values()) resolve({ type: 'failed', id: -1, message });
    this.waiting.clear();
  }
}

function createHiddenVideo(): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  return video;
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
