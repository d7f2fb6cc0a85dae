import type { AudioEngine } from '../audio/audio-engine.js';
import type { LiveSessionCallbacks } from './options.js';
import type { ConnectionManager } from './connection-manager.js';
import type { DroppedFrame } from './guarded-socket.js';
import type { Connection } from './connection.js';
import type { TranscriptModel } from './transcript.js';
import type { ToolDispatcher } from './tool-dispatcher.js';
import { readServerMessage, type ServerEvent } from './server-message.js';
import { base64ToBytes } from '../audio/base64.js';

/** What the router needs from the rest of the session. */
export interface RouterContext {
  /** The engine that plays model audio, once it exists. */
  engine(): AudioEngine | undefined;
  /** Something changed that may change the session's state (listening, speaking). */
  onActivity(): void;
}

/**
 * What the server says, read from one message at a time: the transcript, model audio to the engine, the model
 * turn (open, complete, interrupted — with the caption trimmed to what was heard), tool calls, usage, resumption
 * handles and goAway.
 */
export class ServerEventRouter {
  private turnOpen = false;
  private turnReceivedMs = 0;
  private droppedFrames = 0;

  constructor(
    private readonly transcript: TranscriptModel,
    private readonly tools: ToolDispatcher,
    private readonly connections: Pick<ConnectionManager, 'saveHandle' | 'beginHandover' | 'turnComplete'>,
    private readonly callbacks: Pick<LiveSessionCallbacks, 'onInterrupted' | 'onUsage'>,
    private readonly textResponses: boolean,
    private readonly session: RouterContext,
  ) {}

  /** True while the model is answering (from its first output until turnComplete or an interruption). */
  get modelTurnOpen(): boolean {
    return this.turnOpen;
  }

  /** The connection dropped mid-turn: whatever was open is over. */
  reset(): void {
    this.turnOpen = false;
    this.transcript.finishAll();
  }

  /** Handles one message from the server. Nothing a message contains may throw into the page. */
  route(from: Connection, message: unknown): void {
    let event: ServerEvent;
    try {
      event = readServerMessage(message);
    } catch {
      return;
    }
    try {
      this.handle(from, event);
    } catch {
      // Reported (once) like a malformed frame.
      this.dropped({ reason: 'unreadable', bytes: 0 });
    }
  }

  /** A frame or a piece of one could not be read: warned about once, then ignored silently. */
  dropped(frame: DroppedFrame): void {
    this.droppedFrames += 1;
    if (this.droppedFrames === 1) {
      console.warn(`<gemini-live>: ignored a malformed message from the server (${frame.reason}, ${frame.bytes} bytes); further ones are ignored silently.`);
    }
  }

  private handle(from: Connection, event: ServerEvent): void {
    const { transcript, connections } = this;
    if (event.resumption?.resumable) connections.saveHandle(event.resumption.handle);
    if (event.goAway) connections.beginHandover(from, event.goAway.timeLeftMs);

    if (event.inputTranscription) transcript.append('user', event.inputTranscription);

    const modelOutput = event.audio.length > 0 || event.text.length > 0 || Boolean(event.outputTranscription);
    if (modelOutput && !this.turnOpen) {
      this.turnOpen = true;
      this.turnReceivedMs = 0;
      transcript.finish('user');
      this.session.engine()?.startTurn();
    }
    for (const piece of event.audio) this.play(piece.data, piece.sampleRate);
    if (this.textResponses) {
      for (const text of event.text) transcript.append('model', text);
    }
    if (event.outputTranscription) transcript.append('model', event.outputTranscription);

    if (event.interrupted) this.interrupted();
    if (event.turnComplete) {
      transcript.finish('user');
      transcript.finish('model');
      this.turnOpen = false;
      connections.turnComplete(from);
    }
    if (event.usage) this.callbacks.onUsage(event.usage);
    if (event.toolCalls.length) {
      transcript.finish('user');
      for (const call of event.toolCalls) this.tools.dispatch(call);
    }
    if (event.toolCancellations.length) this.tools.cancel(event.toolCancellations);
    this.session.onActivity();
  }

  private play(base64: string, sampleRate: number): void {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(base64);
    } catch {
      // Not base64: drop this piece only; the rest of the message (transcripts, turnComplete) still counts.
      this.dropped({ reason: 'unreadable', bytes: base64.length });
      return;
    }
    // A stray odd byte is dropped, not carried into the next piece.
    const even = bytes.byteLength - (bytes.byteLength % 2);
    if (!even) return;
    this.turnReceivedMs += (even / 2 / sampleRate) * 1000;
    // The decoded bytes are ours alone: handed over, not copied.
    this.session.engine()?.enqueue(bytes.subarray(0, even), sampleRate, { transfer: true });
  }

  private interrupted(): void {
    const received = this.turnReceivedMs;
    const turnId = this.transcript.interrupt();
    this.turnOpen = false;
    this.callbacks.onInterrupted();
    const engine = this.session.engine();
    if (!engine) return;
    // Silence first; the share of the turn that was heard arrives a moment later and trims the caption.
    void engine.flush().then(
      ({ playedMs }) => {
        if (turnId && received > 0 && !this.textResponses) this.transcript.trim(turnId, playedMs / received);
        this.session.onActivity();
      },
      () => undefined,
    );
  }
}
