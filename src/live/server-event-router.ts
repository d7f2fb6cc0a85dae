import type { AudioEngine } from '../audio/audio-engine.js';
import type { LiveSessionCallbacks } from './live-session-options.js';
import type { ConnectionManager } from './connection-manager.js';
import type { DroppedFrame } from '../pipeline/frames.js';
import type { Connection } from './connection.js';
import type { TranscriptModel } from './transcript.js';
import type { ToolDispatcher } from './tool-dispatcher.js';
import { readServerMessage, type ServerEvent } from './server-message.js';

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
 * What the server says, read from one message at a time: the transcript, the model turn (open, complete,
 * interrupted — with the caption trimmed to what was heard), tool calls, usage, resumption handles and goAway.
 * The model's voice never comes here: the session's pipeline queues it for playback and reports how much.
 */
export class ServerEventRouter {
  private turnOpen = false;
  /** The transcript turn of the answer in progress, once it has words. */
  private turnId?: string;
  private turnReceivedMs = 0;
  private droppedFrames = 0;
  /** The turn number of the pipeline's flush for the message being read, if it interrupted the model. */
  private flushTurn?: number;

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
    const flushTurn = this.flushTurn;
    this.flushTurn = undefined;
    let event: ServerEvent;
    try {
      event = readServerMessage(message);
    } catch {
      return;
    }
    try {
      this.handle(from, event, flushTurn);
    } catch {
      // Reported (once) like a malformed frame.
      this.dropped({ reason: 'unreadable', bytes: 0 });
    }
  }

  /**
   * `ms` of the model's voice that the pipeline queued on the playback worklet: the answer is under way; `queued`
   * tells the engine, once the turn is open.
   */
  voiceQueued(ms: number, queued: () => void): void {
    try {
      this.openTurn();
      this.turnReceivedMs += ms;
      queued();
      this.session.onActivity();
    } catch {
      this.dropped({ reason: 'unreadable', bytes: 0 });
    }
  }

  /** The next message interrupted the model, and the pipeline flushed the voice, starting turn `turn`. */
  flushed(turn: number): void {
    this.flushTurn = turn;
  }

  /** A frame or a piece of one could not be read: warned about once, then ignored silently. */
  dropped(frame: DroppedFrame): void {
    this.droppedFrames += 1;
    if (this.droppedFrames === 1) {
      console.warn(`<gemini-live>: ignored a malformed message from the server (${frame.reason}, ${frame.bytes} bytes); further ones are ignored silently.`);
    }
  }

  private handle(from: Connection, event: ServerEvent, flushTurn: number | undefined): void {
    const { transcript, connections } = this;
    if (event.resumption?.resumable) connections.saveHandle(event.resumption.handle);
    if (event.goAway) connections.beginHandover(from, event.goAway.timeLeftMs);

    // The user's words may come after the answer began: the transcript puts them before it.
    if (event.interimInput !== undefined) transcript.interim('user', event.interimInput);
    if (event.inputTranscription) transcript.append('user', event.inputTranscription);
    if (event.inputFinished) transcript.finish('user');

    const modelOutput = event.text.length > 0 || Boolean(event.outputTranscription);
    if (modelOutput) this.openTurn();
    // Text answers from a model that speaks them: the words are its transcription, the sound is never played.
    if (this.textResponses) {
      for (const text of event.text) this.turnId = transcript.append('model', text) ?? this.turnId;
    }
    if (event.outputTranscription) this.turnId = transcript.append('model', event.outputTranscription) ?? this.turnId;
    if (event.outputFinished) transcript.finish('model');

    if (event.interrupted) this.interrupted(flushTurn);
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
  }

  /** A turn the service ended for another reason than a normal end keeps that reason, shown with the turn. */
  private noteEndReason(reason: string | undefined): void {
    if (!reason || NORMAL_ENDS.has(reason)) return;
    const id = this.turnId ?? this.transcript.add('model', '').id;
    this.transcript.markEnded(id, reason);
  }

  private interrupted(flushTurn: number | undefined): void {
    const received = this.turnReceivedMs;
    const turnId = this.transcript.interrupt(this.turnId);
    this.turnOpen = false;
    this.turnId = undefined;
    this.callbacks.onInterrupted();
    const engine = this.session.engine();
    if (!engine || flushTurn === undefined) return;
    // The pipeline silenced the voice already; the share of the answer that was heard trims the caption.
    void engine.flushed(flushTurn).then(
      ({ playedMs }) => {
        if (turnId && received > 0 && !this.textResponses) this.transcript.trim(turnId, playedMs / received);
        this.session.onActivity();
      },
      () => undefined,
    );
  }
}
