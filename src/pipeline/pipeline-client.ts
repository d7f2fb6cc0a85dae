/**
 * The page's side of a session's {@link Pipeline}: it runs the pipeline in the socket worker, or on the page
 * where no worker can start, and gives the SDK its sockets there. If the worker fails mid-conversation (it reports
 * an error, or stops beating: the capture worklet tells the page through the engine), the pipeline moves to the
 * page: the worklets get new ports there, the capture worklet sends again what the worker may not have sent on,
 * and the worker's sockets close as if the network had dropped, so that the session resumes on page sockets with
 * its handle.
 */
import type { PipelinePorts } from '../audio/worklet-messages.js';
import { socketWorkerUrl } from '../worker-urls.js';
import type { MeterLook, MicrophoneState, PipelineCommand, PipelineEvent } from './messages.js';
import type { Pipeline } from './pipeline.js';
import { PageSocket, PageSocketFactory, type SocketListener } from './sdk-sockets.js';

// A worker that has not said it is ready by then is given up on: the pipeline runs on the page instead.
const LOAD_TIMEOUT_MS = 5000;
// How long a shutdown waits for the worker to close its sockets before it is terminated.
const SHUTDOWN_TIMEOUT_MS = 1500;
// A worker whose beats have not reached the capture worklet for this long may have failed (the worklet judges,
// by the audio clock and the wall clock) ...
const SILENT_MS = 2000;
// ... and it has, unless it answers the page's ping within this long. (In WebKitGTK the beats can be late on their
// way to the worklet, by a long task on the page or more: the page itself then hears the worker at once.)
const CONFIRM_MS = 1000;
// The capture worklet keeps copies of what it sent the worker for this long, to send again after a fault: longer
// than the silence and the ping that tell of one.
const KEEP_MS = 5000;
// Enqueues and turns are numbered from here by the first pipeline, and from twice that by one that takes over,
// above anything the page's own playback queue or the one before may have numbered.
const NUMBERING_BASE = 1_000_000_000;

/** The worklets' ends of their channels to the pipeline (see `AudioEngine.connectPipeline`). */
export type WorkletPorts = PipelinePorts;

export interface PipelineClientOptions {
  /** Try the socket worker (else the pipeline runs on the page). */
  worker: boolean;
  /** Whether the model's voice is played (not for text answers). */
  plays: boolean;
  /**
   * The worker failed and the pipeline moved to the page: the worklets must move to these ports. (Its sockets
   * close with 1006 next, and a meter it drew is gone with it.)
   */
  onWorklets(ports: WorkletPorts): void;
  /** Worker URL (tests). */
  workerUrl?: string;
}

type Thread = { kind: 'worker'; worker: Worker } | { kind: 'page'; pipeline: Pipeline };

export class PipelineClient {
  /** The worklets' first ports, for the audio engine. */
  readonly worklets: WorkletPorts;
  /** Resolves once the pipeline runs (in the worker or on the page). */
  readonly started: Promise<void>;

  private thread?: Thread;
  // The pipeline's latest move: its start, or its move to the page after a fault.
  private settled: Promise<void>;
  private readonly waiting: Array<[PipelineCommand, Transferable[]]> = [];
  private readonly sockets = new Map<number, PageSocket>();
  private nextId = 1;
  private microphoneState: MicrophoneState = { muted: false, pushToTalk: false, talking: false };
  private ending?: Promise<void>;
  private ended = false;

  constructor(private readonly options: PipelineClientOptions) {
    const capture = new MessageChannel();
    const playback = new MessageChannel();
    // Only the worker beats, so the capture worklet watches only for it; a pipeline on the page never arms it.
    this.keepMs = options.worker ? KEEP_MS : 0;
    this.worklets = { capture: capture.port2, playback: playback.port2, keepMs: this.keepMs, silentMs: SILENT_MS };
    this.started = this.start(capture.port1, playback.port1);
    this.settled = this.started;
  }

  /** The pipeline runs in the socket worker (not on the page). */
  get inWorker(): boolean {
    return this.thread?.kind === 'worker' && !this.ended && !this.ending;
  }

  /** The microphone's and the voice's levels, 0..1, where the pipeline runs on the page; else 0. */
  get inputLevel(): number {
    return this.thread?.kind === 'page' ? this.thread.pipeline.inputLevel : 0;
  }

  get outputLevel(): number {
    return this.thread?.kind === 'page' ? this.thread.pipeline.outputLevel : 0;
  }

  /** The SDK's WebSocket factory for one connection; `listener` hears what the SDK does not. */
  socketFactory(listener: SocketListener): PageSocketFactory {
    return new PageSocketFactory((url, callbacks) => {
      const socket = new PageSocket(this.nextId++, url, callbacks, listener, this);
      this.sockets.set(socket.id, socket);
      return socket;
    });
  }

  /** Microphone chunks go out on `factory`'s socket from now on (what waited goes first). */
  setCurrent(factory: PageSocketFactory | undefined): void {
    this.post({ type: 'current', id: factory?.latest?.id ?? null });
  }

  setMicrophone(state: MicrophoneState): void {
    this.microphoneState = { ...state };
    this.post({ type: 'microphone', ...state });
  }

  /** Hands `canvas` to the worker, which draws the level meter in it from now on. */
  drawMeter(canvas: OffscreenCanvas, width: number, height: number, look: MeterLook): void {
    this.post({ type: 'meter', canvas, width, height, look }, [canvas]);
  }

  meterLook(look: MeterLook): void {
    this.post({ type: 'meter-look', look });
  }

  meterVisible(visible: boolean): void {
    this.post({ type: 'meter-visible', visible });
  }

  /**
   * The worklets move to a new AudioContext: returns the ends of new channels to the pipeline, for the new
   * worklets. `moved` resolves once the pipeline uses them (every report about the old worklets came before), and
   * rejects if the pipeline failed meanwhile (the worklets in use then got ports of their own, see `onWorklets`).
   */
  moveWorklets(): { ports: WorkletPorts; moved: Promise<void> } {
    const capture = new MessageChannel();
    const playback = new MessageChannel();
    const moved = new Promise<void>((resolve, reject) => this.workletMoves.push({ resolve, reject }));
    if (this.ending || this.ended) this.rejectMoves('The pipeline ended.');
    this.post({ type: 'worklets', capture: capture.port1, playback: playback.port1 }, [capture.port1, playback.port1]);
    return { ports: { capture: capture.port2, playback: playback.port2, keepMs: this.keepMs, silentMs: SILENT_MS }, moved };
  }

  /** Closes every socket with `code` and `reason` and ends the pipeline; resolves once it has. */
  shutdown(code = 1000, reason = 'client closed'): Promise<void> {
    this.rejectMoves('The pipeline ended.');
    this.ending ??= this.settled.catch(() => undefined).then(
      () =>
        new Promise<void>((resolve) => {
          const thread = this.thread;
          const finish = () => {
            clearTimeout(timer);
            if (thread?.kind === 'worker') thread.worker.terminate();
            this.ended = true;
            resolve();
          };
          const timer = setTimeout(finish, SHUTDOWN_TIMEOUT_MS);
          this.onEnded = finish;
          // A pipeline that never ran (its module failed to load) has nothing to close.
          if (!thread) return finish();
          if (thread.kind === 'worker') thread.worker.addEventListener('error', finish);
          this.send(thread, { type: 'shutdown', code, reason });
        }),
    );
    return this.ending;
  }

  /** @internal A command for the pipeline; kept until it runs. */
  post(command: PipelineCommand, transfer: Transferable[] = []): void {
    if (this.ended) return;
    if (this.thread) this.send(this.thread, command, transfer);
    else this.waiting.push([command, transfer]);
  }

  private onEnded: () => void = () => undefined;
  /** Worklet moves the pipeline has not answered yet, oldest first. */
  private workletMoves: Array<{ resolve(): void; reject(reason: Error): void }> = [];
  /** How long the capture worklet keeps what it sent: only the worker's pipeline can fail and need it again. */
  private keepMs: number;
  /** Set while a ping waits for its pong (see `workerSilent`). */
  private confirming?: () => void;

  private async start(capture: MessagePort, playback: MessagePort): Promise<void> {
    const worker = this.options.worker ? await loadWorker(this.options.workerUrl ?? socketWorkerUrl()) : undefined;
    if (!worker) return this.runOnPage(capture, playback, NUMBERING_BASE);
    worker.onmessage = (event: MessageEvent<PipelineEvent>) => this.handle(event.data);
    worker.onerror = () => this.fault();
    this.run({ kind: 'worker', worker }, capture, playback, NUMBERING_BASE);
  }

  /** The pipeline on the page: a chunk of its own, loaded only where the worker cannot run (or failed). */
  private async runOnPage(capture: MessagePort, playback: MessagePort, base: number): Promise<void> {
    const { Pipeline } = await import('./pipeline.js');
    if (this.ended) return;
    // Delivered as the worker's would be: after the command that caused them, never inside it.
    this.run({ kind: 'page', pipeline: new Pipeline((event) => queueMicrotask(() => this.handle(event))) }, capture, playback, base);
  }

  /** The pipeline runs on `thread` from now on: it gets the worklets' ports, then what waited. */
  private run(thread: Thread, capture: MessagePort, playback: MessagePort, base: number): void {
    this.thread = thread;
    // The microphone's state comes with the ports: chunks the capture worklet sent meanwhile wait in its port and
    // are read as soon as the pipeline listens, before any later command.
    const microphone = { ...this.microphoneState };
    this.send(thread, { type: 'start', capture, playback, plays: this.options.plays, base, microphone }, [capture, playback]);
    for (const [command, transfer] of this.waiting.splice(0)) this.send(thread, command, transfer);
  }

  private send(thread: Thread, command: PipelineCommand, transfer: Transferable[] = []): void {
    if (thread.kind === 'worker') thread.worker.postMessage(command, transfer);
    else thread.pipeline.handle(command);
  }

  private handle(event: PipelineEvent): void {
    if (event.type === 'ended') return this.onEnded();
    if (event.type === 'pong') return this.confirming?.();
    if (event.type === 'worklets') return this.workletMoves.shift()?.resolve();
    if (event.type === 'ready') return;
    const socket = this.sockets.get(event.id);
    if (!socket) return;
    switch (event.type) {
      case 'opened':
        socket.callbacks.onopen();
        break;
      case 'message':
        if (event.voice) socket.listener.voice(event.voice);
        if (event.flushed !== undefined) socket.listener.flushed(event.flushed);
        socket.callbacks.onmessage(new MessageEvent('message', { data: event.text }));
        break;
      case 'dropped':
        socket.listener.dropped(event.frame);
        break;
      case 'error':
        socket.callbacks.onerror(new Event('error'));
        break;
      case 'voice':
        socket.listener.voice(event);
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

  private rejectMoves(reason: string): void {
    for (const move of this.workletMoves.splice(0)) move.reject(new Error(reason));
  }

  /** The socket worker stopped beating (the capture worklet noticed): it has failed unless it answers a ping. */
  workerSilent(): void {
    if (this.thread?.kind !== 'worker' || this.confirming) return;
    const timer = setTimeout(() => {
      this.confirming = undefined;
      this.fault();
    }, CONFIRM_MS);
    this.confirming = () => {
      clearTimeout(timer);
      this.confirming = undefined;
    };
    this.post({ type: 'ping' });
  }

  /** The worker failed: the pipeline moves to the page, and the worker's sockets close as if dropped. */
  private fault(): void {
    if (this.thread?.kind !== 'worker' || this.ending || this.ended) return;
    this.thread.worker.onmessage = null;
    this.thread.worker.onerror = null;
    this.thread.worker.terminate();
    this.keepMs = 0;
    this.rejectMoves('The socket worker stopped.');
    // Until the page's pipeline runs, what is posted waits; the microphone's state goes first.
    this.thread = undefined;
    this.waiting.unshift([{ type: 'microphone', ...this.microphoneState }, []]);
    const capture = new MessageChannel();
    const playback = new MessageChannel();
    this.settled = this.runOnPage(capture.port1, playback.port1, 2 * NUMBERING_BASE);
    this.settled.catch(() => undefined);
    this.options.onWorklets({ capture: capture.port2, playback: playback.port2, keepMs: 0, resend: true });
    for (const socket of [...this.sockets.values()]) {
      this.sockets.delete(socket.id);
      socket.callbacks.onclose(new CloseEvent('close', { code: 1006, reason: 'The socket worker stopped.', wasClean: false }));
    }
  }
}

/** Starts the socket worker; `undefined` where it cannot run (no `Worker`, a CSP without `worker-src`, a failed load). */
function loadWorker(url: string): Promise<Worker | undefined> {
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
    const timer = setTimeout(fail, LOAD_TIMEOUT_MS);
    worker.onerror = fail;
    worker.onmessage = (event: MessageEvent<PipelineEvent>) => {
      if (event.data?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(worker);
    };
  });
}
