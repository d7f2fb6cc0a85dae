/**
 * What handles a session's traffic, on whichever thread it runs (the socket worker, or the page where no worker
 * can): its WebSockets, each frame screened before the page sees it; the microphone's chunks from the capture
 * worklet to the socket that counts for input ({@link MicrophoneUplink}); the model's voice from the sockets to
 * the playback worklet, with its turns and flushes ({@link ModelVoice}); and the worklets' levels. The page keeps
 * the SDK and the conversation's logic, and talks to it with {@link PipelineCommand}s.
 */
import type { CaptureEvent, OutputLevelEvent, PipelineBeat } from '../audio/worklet-messages.js';
import { closeSocket, screenFrame } from './frames.js';
import type { PipelineCommand, PipelineEvent } from './messages.js';
import { ModelVoice } from './model-voice.js';
import { MicrophoneUplink, type UplinkSocket } from './uplink.js';

// While bytes are queued on a socket, how often the page hears how many; and from how many on.
const BUFFERED_POLL_MS = 100;
const BUFFERED_REPORT_BYTES = 16 * 1024;
// A shutdown waits this long for the sockets' closing handshakes.
const SHUTDOWN_WAIT_MS = 1000;

class ServiceSocket implements UplinkSocket {
  /** False once the page closed it: what it says no longer counts. */
  counts = true;
  private polling = 0;
  private reported = 0;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    private readonly emit: (event: PipelineEvent) => void,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(text: string): void {
    // Sending on a closing socket is a no-op in browsers; only CONNECTING throws, which the SDK never does.
    if (!this.open) return;
    this.ws.send(text);
    if (this.ws.bufferedAmount >= BUFFERED_REPORT_BYTES && !this.polling) this.pollBuffered();
  }

  close(code: number, reason: string): void {
    closeSocket(this.ws, code, reason);
  }

  // Every send queues its bytes for a moment: only a backlog worth skipping a video frame for is reported (and
  // then its end), not each microphone chunk's.
  private pollBuffered(): void {
    const bytes = this.ws.bufferedAmount;
    const worth = bytes >= BUFFERED_REPORT_BYTES ? bytes : 0;
    if (worth !== this.reported) this.emit({ type: 'buffered', id: this.id, bytes: worth });
    this.reported = worth;
    this.polling = bytes > 0 && this.ws.readyState === WebSocket.OPEN ? (setTimeout(() => this.pollBuffered(), BUFFERED_POLL_MS) as unknown as number) : 0;
  }
}

export class Pipeline {
  /** Called whenever a level changes: the microphone's (0 while muted) and the voice's, each 0..1. */
  onLevels: ((input: number, output: number) => void) | null = null;

  private readonly sockets = new Map<number, ServiceSocket>();
  private readonly uplink = new MicrophoneUplink();
  private readonly voice: ModelVoice;
  private current: number | null = null;
  private ports: MessagePort[] = [];
  private capture: MessagePort | null = null;
  private input = 0;
  private output = 0;
  private ending = false;
  private ended = false;
  private endTimer = 0;

  constructor(private readonly emit: (event: PipelineEvent) => void) {
    this.voice = new ModelVoice(
      (id, queued) => emit({ type: 'voice', id, ...queued }),
      (id, frame) => emit({ type: 'dropped', id, frame }),
    );
  }

  /** The microphone's level, 0..1 (0 while muted). */
  get inputLevel(): number {
    return this.uplink.muted ? 0 : this.input;
  }

  /** The voice's level, 0..1. */
  get outputLevel(): number {
    return this.output;
  }

  /**
   * Tells the capture worklet that the pipeline still runs, and how far its chunks went out: a pipeline that
   * stops beating is taken to have failed (the socket worker beats; the page's pipeline need not).
   */
  beat(): void {
    this.capture?.postMessage({ type: 'beat', sentThrough: this.uplink.sentThrough } satisfies PipelineBeat);
  }

  handle(command: PipelineCommand): void {
    if (this.ending) return;
    switch (command.type) {
      case 'start':
        this.voice.configure(command.plays, command.base);
        this.uplink.setMicrophone(command.microphone);
        this.listen(command.capture, command.playback);
        break;
      case 'open':
        this.open(command.id, command.url);
        break;
      case 'send':
        this.sockets.get(command.id)?.send(command.text);
        break;
      case 'close': {
        const socket = this.sockets.get(command.id);
        if (!socket) break;
        socket.counts = false;
        this.voice.closed(command.id);
        socket.close(command.code, command.reason);
        break;
      }
      case 'current':
        this.current = command.id;
        this.uplink.setSocket(command.id === null ? undefined : this.sockets.get(command.id));
        break;
      case 'microphone':
        this.uplink.setMicrophone(command);
        this.showLevels();
        break;
      case 'worklets':
        // What the old playback worklet was told is reported first; its times meant nothing to the new capture.
        this.voice.reportNow();
        this.uplink.sentThrough = -1;
        this.listen(command.capture, command.playback);
        this.emit({ type: 'worklets' });
        break;
      case 'ping':
        this.emit({ type: 'pong' });
        break;
      case 'shutdown':
        this.shutdown(command.code, command.reason);
        break;
    }
  }

  private open(id: number, url: string): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.emit({ type: 'error', id });
      return this.closed(id, 1006, '', false);
    }
    ws.binaryType = 'arraybuffer';
    const socket = new ServiceSocket(id, ws, this.emit);
    this.sockets.set(id, socket);
    ws.onopen = () => {
      this.emit({ type: 'opened', id });
      if (this.current === id) this.uplink.setSocket(socket);
    };
    ws.onerror = () => this.emit({ type: 'error', id });
    ws.onclose = (event) => this.closed(id, event.code, event.reason, event.wasClean);
    ws.onmessage = (event) => this.receive(socket, event.data);
  }

  private closed(id: number, code: number, reason: string, wasClean: boolean): void {
    this.sockets.delete(id);
    // The page forgets a socket once it has closed: what its voice left unreported goes first.
    this.voice.closed(id);
    this.emit({ type: 'closed', id, code, reason, wasClean });
    if (this.ending && !this.sockets.size) this.end();
  }

  private receive(socket: ServiceSocket, data: unknown): void {
    if (!socket.counts) return;
    const { id } = socket;
    const screened = screenFrame(data);
    if (!('text' in screened)) {
      this.emit({ type: 'dropped', id, frame: screened });
      return;
    }
    const { text, flushed } = this.voice.take(id, screened.message, screened.text);
    if (text === null) return;
    // The voice that came before this message is reported with it, in one message to the page.
    const voice = this.voice.takeUnreported(id);
    const event: PipelineEvent = { type: 'message', id, text };
    if (voice) event.voice = voice;
    if (flushed !== undefined) event.flushed = flushed;
    this.emit(event);
  }

  private listen(capture: MessagePort, playback: MessagePort): void {
    for (const port of this.ports) port.close();
    this.ports = [capture, playback];
    this.capture = capture;
    capture.onmessage = (event: MessageEvent<CaptureEvent>) => {
      const message = event.data;
      if (message.type === 'chunk') this.uplink.chunk(message.pcm, message.time);
      const level = message.type === 'level' ? message : message.level;
      if (level) {
        this.input = level.rms;
        this.showLevels();
      }
    };
    this.voice.attach(playback);
    playback.onmessage = (event: MessageEvent<OutputLevelEvent>) => {
      this.output = event.data.rms;
      this.showLevels();
    };
  }

  private showLevels(): void {
    this.onLevels?.(this.inputLevel, this.output);
  }

  private shutdown(code: number, reason: string): void {
    this.ending = true;
    this.uplink.clear();
    for (const port of this.ports) {
      port.onmessage = null;
      port.close();
    }
    this.ports = [];
    this.capture = null;
    this.onLevels = null;
    // Ends once every socket has closed (see `open`), or after SHUTDOWN_WAIT_MS.
    if (!this.sockets.size) return this.end();
    this.endTimer = setTimeout(() => this.end(), SHUTDOWN_WAIT_MS) as unknown as number;
    for (const socket of this.sockets.values()) socket.close(code, reason);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.endTimer);
    this.emit({ type: 'ended' });
  }
}
