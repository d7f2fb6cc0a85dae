import type { AudioEngine } from '../audio/audio-engine.js';
import type { LiveSessionCallbacks } from './options.js';
import type { ConnectionManager } from './connection-manager.js';
import type { DroppedFrame } from './guarded-socket.js';
import type { Connection } from './connection.js';
import type { TranscriptModel } from './transcript.js';
import type { ToolDispatcher } from './tool-dispatcher.js';
import { readServerMessage, type ServerEvent } from './server-message.js';
import { base64ToBytes } from '../audio/base64.js';

/** `turnCompleteReason` values that mean the answer ended as it should. */
const NORMAL_ENDS = new Set(['TURN_COMPLETE_REASON_UNSPECIFIED', 'NEED_MORE_INPUT']);

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
  /** The transcript turn of the answer in progress, once it has words. */
  private turnId?: string;
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

  /**
   * `ms` of model audio that the socket worker queued on the playback worklet itself: the answer is
   * under way as if the audio had come in a message; `queued` tells the engine, once the turn is open.
   */
  relayedAudio(ms: number, queued: () => void): void {
    try {
      this.openTurn();
      this.turnReceivedMs += ms;
      queued();
      this.session.onActivity();
    } catch {
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

    // The user's words may come after the answer began: the transcript puts them before it.
    if (event.interimInput !== undefined) transcript.interim('user', event.interimInput);
    if (event.inputTranscription) transcript.append('user', event.inputTranscription);
    if (event.inputFinished) transcript.finish('user');

    const modelOutput = event.audio.length > 0 || event.text.length > 0 || Boolean(event.outputTranscription);
    if (modelOutput) this.openTurn();
    // Text answers from a model that speaks them: the words are its transcription, the sound is never played.
    if (!this.textResponses) for (const piece of event.audio) this.play(piece.data, piece.sampleRate);
    if (this.textResponses) {
      for (const text of event.text) this.turnId = transcript.append('model', text) ?? this.turnId;
    }
    if (event.outputTranscription) this.turnId = transcript.append('model', event.outputTranscription) ?? this.turnId;
    if (event.outputFinished) transcript.finish('model');

    if (event.interrupted) this.interrupted();
    if (event.turnComplete) {
      transcript.finish('user');
      transcript.finish('model');
      this.noteEndReason(event.turnCompleteReason);
      this.turnOpen = false;
      this.turnId = undefined;
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

  /** The model's first output of an answer: the user's turn is over, and the played time counts from here. */
  private openTurn(): void {
    if (this.turnOpen) return;
    this.turnOpen = true;
    this.turnId = undefined;
    this.turnReceivedMs = 0;
    this.transcript.finish('user');
    if (!this.textResponses) this.session.engine()?.startTurn();
  }

  /** A turn the service ended for another reason than a normal end keeps that reason, shown with the turn. */
  private noteEndReason(reason: string | undefined): void {
    if (!reason || NORMAL_ENDS.has(reason)) return;
    const id = this.turnId ?? this.transcript.add('model', '').id;
    this.transcript.markEnded(id, reason);
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
    const turnId = this.transcript.interrupt(this.turnId);
    this.turnOpen = false;
    this.turnId = undefined;
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
