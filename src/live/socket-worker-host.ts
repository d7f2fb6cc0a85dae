import type { WorkletRelay } from '../audio/audio-engine.js';
import type { DroppedFrame, SdkSocket, SocketCallbacks, SocketFactory } from './guarded-socket.js';
import type { MeterLook, SocketCommand, SocketEvent } from '../workers/socket-messages.js';
import type { PlaybackCommand } from '../worklets/messages.js';
import { socketWorkerUrl } from '../worker-urls.js';

// A worker that has not said it is ready by then is given up on: the session uses sockets on the page instead.
const LOAD_TIMEOUT_MS = 5000;
// How long a shutdown waits for the worker to close its sockets before it is terminated.
const SHUTDOWN_TIMEOUT_MS = 1500;

/** Model audio from a socket went straight to the playback worklet: `ms` of it, the last as enqueue `seq`. */
export type ModelAudioNotice = (ms: number, seq: number) => void;

/** The page's side of one socket in the worker, as the SDK sees it. */
class WorkerSocket implements SdkSocket {
  bufferedAmount = 0;

  constructor(
    readonly id: number,
    private readonly url: string,
    readonly callbacks: SocketCallbacks,
    private readonly host: SocketWorkerHost,
    readonly onDropped: (frame: DroppedFrame) => void,
    readonly onModelAudio: ModelAudioNotice,
  ) {}

  connect(): void {
    this.host.post({ type: 'open', id: this.id, url: this.url });
  }

  send(message: string): void {
    this.host.post({ type: 'send', id: this.id, text: message });
  }

  close(code = 1000, reason = ''): void {
    this.host.post({ type: 'close', id: this.id, code, reason });
  }
}

/** The SDK's WebSocket factory for one connection, with its sockets in the worker. */
export class WorkerSocketFactory implements SocketFactory {
  private readonly sockets: WorkerSocket[] = [];

  constructor(
    private readonly host: SocketWorkerHost,
    private readonly onDropped: (frame: DroppedFrame) => void,
    private readonly onModelAudio: ModelAudioNotice,
  ) {}

  create(url: string, _headers: Record<string, string>, callbacks: SocketCallbacks): WorkerSocket {
    const socket = this.host.socket(url, callbacks, this.onDropped, this.onModelAudio);
    this.sockets.push(socket);
    return socket;
  }

  /** The socket in use (the latest), if any. */
  get latest(): WorkerSocket | undefined {
    return this.sockets[this.sockets.length - 1];
  }

  get bufferedAmount(): number {
    return this.latest?.bufferedAmount ?? 0;
  }

  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }
}

/**
 * The page's side of the socket worker (`workers/socket-worker.ts`): the sockets it opens for the SDK, the ports
 * through which the worklets reach it, which socket the microphone goes to, and the level meter it draws. One
 * per session.
 */
export class SocketWorkerHost implements WorkletRelay {
  private readonly sockets = new Map<number, WorkerSocket>();
  private nextId = 1;
  private shutting?: Promise<void>;
  private ended = false;

  /**
   * Starts the worker and resolves once it runs; resolves `undefined` where it cannot (no `Worker`, a content
   * security policy without `worker-src` for the script's origin, a failed load), and the session then keeps its
   * sockets on the page.
   */
  static load(url = socketWorkerUrl(), timeoutMs = LOAD_TIMEOUT_MS): Promise<SocketWorkerHost | undefined> {
    if (typeof Worker !== 'function') return Promise.resolve(undefined);
    let worker: Worker;
    try {
      worker = new Worker(url, { type: 'module', name: 'gemini-live socket' });
    } catch {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const fail = () => {
        clearTimeout(timer);
        worker.terminate();
        resolve(undefined);
      };
      const timer = setTimeout(fail, timeoutMs);
      worker.onerror = fail;
      worker.onmessage = (event: MessageEvent<SocketEvent>) => {
        if (event.data?.type !== 'ready') return;
        clearTimeout(timer);
        resolve(new SocketWorkerHost(worker));
      };
    });
  }

  private constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<SocketEvent>) => this.handle(event.data);
    // The worker died: every socket in it is gone, as if the network had dropped.
    worker.onerror = () => this.lost();
  }

  /**
   * The SDK's WebSocket factory for one connection; `onModelAudio` hears of the model audio the worker queued
   * from its socket (see `ModelAudioTap`).
   */
  socketFactory(onDropped: (frame: DroppedFrame) => void, onModelAudio: ModelAudioNotice): WorkerSocketFactory {
    return new WorkerSocketFactory(this, onDropped, onModelAudio);
  }

  /** A new socket (not yet open) for `create`. */
  socket(url: string, callbacks: SocketCallbacks, onDropped: (frame: DroppedFrame) => void, onModelAudio: ModelAudioNotice): WorkerSocket {
    const socket = new WorkerSocket(this.nextId++, url, callbacks, this, onDropped, onModelAudio);
    this.sockets.set(socket.id, socket);
    return socket;
  }

  /** Microphone chunks go out on `factory`'s socket from now on (what waited goes first). */
  route(factory: WorkerSocketFactory | undefined): void {
    this.post({ type: 'route', id: factory?.latest?.id ?? null });
  }

  /** Whether microphone chunks go out: not while muted, and in push-to-talk only while talking. */
  gate(muted: boolean, pushToTalk: boolean, talking: boolean): void {
    this.post({ type: 'gate', muted, pushToTalk, talking });
  }

  capturePort(): MessagePort {
    return this.channel('capture');
  }

  playbackPort(): MessagePort {
    return this.channel('playback-port');
  }

  playbackCommand(command: PlaybackCommand, transfer: Transferable[]): void {
    this.post({ type: 'playback', command }, transfer);
  }

  /** Whether the model's audio goes from the socket straight to the playback worklet. */
  tap(enabled: boolean): void {
    this.post({ type: 'tap', enabled });
  }

  /** Hands `canvas` to the worker, which draws the level meter in it from now on. */
  attachMeter(canvas: HTMLCanvasElement, width: number, height: number, look: MeterLook): void {
    const offscreen = canvas.transferControlToOffscreen();
    this.post({ type: 'meter', canvas: offscreen, width, height, look }, [offscreen]);
  }

  meterLook(look: MeterLook): void {
    this.post({ type: 'meter-look', look });
  }

  meterVisible(visible: boolean): void {
    this.post({ type: 'meter-visible', visible });
  }

  /** Closes every socket with `code` and `reason` and ends the worker; resolves once it has. */
  shutdown(code = 1000, reason = 'client closed'): Promise<void> {
    this.shutting ??= new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.worker.terminate();
        this.ended = true;
        resolve();
      };
      const timer = setTimeout(finish, SHUTDOWN_TIMEOUT_MS);
      this.worker.addEventListener('message', (event: MessageEvent<SocketEvent>) => {
        if (event.data?.type === 'shut') finish();
      });
      this.worker.addEventListener('error', finish);
      this.post({ type: 'shutdown', code, reason });
    });
    return this.shutting;
  }

  /** @internal */
  post(command: SocketCommand, transfer: Transferable[] = []): void {
    if (this.ended) return;
    this.worker.postMessage(command, transfer);
  }

  private channel(type: 'capture' | 'playback-port'): MessagePort {
    const channel = new MessageChannel();
    this.post({ type, port: channel.port2 }, [channel.port2]);
    return channel.port1;
  }

  private handle(event: SocketEvent): void {
    if (event.type === 'ready' || event.type === 'shut') return;
    const socket = this.sockets.get(event.id);
    if (!socket) return;
    switch (event.type) {
      case 'opened':
        socket.callbacks.onopen();
        break;
      case 'message':
        if (event.audio) socket.onModelAudio(event.audio.ms, event.audio.seq);
        socket.callbacks.onmessage(new MessageEvent('message', { data: event.text }));
        break;
      case 'dropped':
        socket.onDropped(event.frame);
        break;
      case 'error':
        socket.callbacks.onerror(new Event('error'));
        break;
      case 'audio':
        socket.onModelAudio(event.ms, event.seq);
        break;
      case 'buffered':
        socket.bufferedAmount = event.bytes;
        break;
      case 'closed':
        this.sockets.delete(event.id);
        socket.bufferedAmount = 0;
        socket.callbacks.onclose(new CloseEvent('close', { code: event.code, reason: event.reason, wasClean: event.wasClean }));
        break;
    }
  }

  /** False once the worker has ended or failed: new connections then use sockets on the page. */
  get usable(): boolean {
    return !this.ended && !this.shutting;
  }

  private lost(): void {
    this.ended = true;
    this.worker.terminate();
    for (const socket of [...this.sockets.values()]) {
      this.sockets.delete(socket.id);
      socket.callbacks.onclose(new CloseEvent('close', { code: 1006, reason: 'The socket worker stopped.', wasClean: false }));
    }
  }
}
