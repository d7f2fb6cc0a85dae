/// <reference lib="webworker" />
/**
 * A session's network side, off the page's main thread: its WebSockets (each frame screened before the page sees
 * it), the microphone's chunks straight from the capture worklet to the socket in use, the model's voice straight
 * from the socket to the playback worklet, and the level meter drawn from the worklets' levels. The page keeps
 * the SDK and the conversation's logic; per second of conversation it handles what the server says besides audio
 * and a few notices, not 50 microphone chunks, 25 audio messages and 40 level reports.
 */
import { closeSocket, screenFrame } from '../live/guarded-socket.js';
import type { CaptureEvent, OutputLevelEvent } from '../worklets/messages.js';
import { AudioRelay, type RelayTarget } from './audio-relay.js';
import { MeterPainter, meterLevel } from './meter-painter.js';
import { ModelAudioTap } from './model-audio-tap.js';
import type { SocketCommand, SocketEvent } from './socket-messages.js';

declare const self: DedicatedWorkerGlobalScope;

// While bytes are queued on a socket, how often the page hears how many; and from how many on.
const BUFFERED_POLL_MS = 100;
const BUFFERED_REPORT_BYTES = 16 * 1024;
// A shutdown waits this long for the sockets' closing handshakes.
const SHUTDOWN_WAIT_MS = 1000;

function post(event: SocketEvent): void {
  self.postMessage(event);
}

class RelaySocket implements RelayTarget {
  private polling = 0;
  private reported = 0;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
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
    if (worth !== this.reported) post({ type: 'buffered', id: this.id, bytes: worth });
    this.reported = worth;
    this.polling = bytes > 0 && this.ws.readyState === WebSocket.OPEN ? self.setTimeout(() => this.pollBuffered(), BUFFERED_POLL_MS) : 0;
  }
}

const sockets = new Map<number, RelaySocket>();
const relay = new AudioRelay();
const tap = new ModelAudioTap((id, ms, seq) => post({ type: 'audio', id, ms, seq }));
let routed: number | null = null;
let meter: MeterPainter | undefined;
let inputLevel = 0;
let outputLevel = 0;

function showLevels(): void {
  meter?.level(meterLevel(relay.levelsShow ? inputLevel : 0, outputLevel));
}

function open(id: number, url: string): void {
  let ws: WebSocket;
  try {
    ws = new WebSocket(url);
  } catch {
    post({ type: 'error', id });
    post({ type: 'closed', id, code: 1006, reason: '', wasClean: false });
    return;
  }
  ws.binaryType = 'arraybuffer';
  const socket = new RelaySocket(id, ws);
  sockets.set(id, socket);
  ws.onopen = () => {
    post({ type: 'opened', id });
    if (routed === id) relay.route(socket);
  };
  ws.onerror = () => post({ type: 'error', id });
  ws.onclose = (event) => {
    sockets.delete(id);
    // The page forgets a socket once it has closed: what its audio left unnoticed goes first.
    tap.sendNotice();
    post({ type: 'closed', id, code: event.code, reason: event.reason, wasClean: event.wasClean });
  };
  ws.onmessage = (event) => {
    const screened = screenFrame(event.data);
    if (!('text' in screened)) {
      post({ type: 'dropped', id, frame: screened });
      return;
    }
    const text = tap.take(id, screened.message, screened.text);
    if (text === null) return;
    // The audio that came before this message is noticed with it, in one message to the page.
    const audio = tap.takeNotice(id);
    post(audio ? { type: 'message', id, text, audio } : { type: 'message', id, text });
  };
}

function listenToCapture(port: MessagePort): void {
  port.onmessage = (event: MessageEvent<CaptureEvent>) => {
    const message = event.data;
    if (message.type === 'chunk') relay.chunk(message.pcm);
    const level = message.type === 'level' ? message : message.level;
    if (level) {
      inputLevel = level.rms;
      showLevels();
    }
  };
}

function listenToPlayback(port: MessagePort): void {
  tap.attach(port);
  port.onmessage = (event: MessageEvent<OutputLevelEvent>) => {
    outputLevel = event.data.rms;
    showLevels();
  };
}

function shutdown(code: number, reason: string): void {
  relay.clear();
  meter = undefined;
  const pending = [...sockets.values()];
  const done = () => {
    post({ type: 'shut' });
    self.close();
  };
  if (!pending.length) return done();
  const timer = self.setTimeout(done, SHUTDOWN_WAIT_MS);
  let left = pending.length;
  for (const socket of pending) {
    socket.ws.addEventListener('close', () => {
      left -= 1;
      if (left === 0) {
        clearTimeout(timer);
        done();
      }
    });
    socket.close(code, reason);
  }
}

self.onmessage = (event: MessageEvent<SocketCommand>) => {
  const command = event.data;
  switch (command.type) {
    case 'open':
      open(command.id, command.url);
      break;
    case 'send':
      sockets.get(command.id)?.send(command.text);
      break;
    case 'close':
      sockets.get(command.id)?.close(command.code, command.reason);
      break;
    case 'route':
      routed = command.id;
      relay.route(command.id === null ? undefined : sockets.get(command.id));
      break;
    case 'gate':
      relay.gate(command.muted, command.pushToTalk, command.talking);
      showLevels();
      break;
    case 'capture':
      listenToCapture(command.port);
      break;
    case 'playback-port':
      listenToPlayback(command.port);
      break;
    case 'playback':
      tap.command(command.command, command.command.type === 'enqueue' ? [command.command.pcm] : []);
      break;
    case 'tap':
      tap.enable(command.enabled);
      break;
    case 'meter':
      meter = new MeterPainter(command.canvas, command.width, command.height, command.look);
      showLevels();
      break;
    case 'meter-look':
      meter?.setLook(command.look);
      break;
    case 'meter-visible':
      meter?.setVisible(command.visible);
      break;
    case 'shutdown':
      shutdown(command.code, command.reason);
      break;
  }
};

post({ type: 'ready' });
