import type { LiveClientContextUpdate, LiveSendRealtimeInputParameters, Session } from '@google/genai';
import type { FunctionResponse } from './tool-dispatcher.js';
import { PendingTexts } from './pending-texts.js';

/** Video frames are skipped while this much is still queued on the socket. */
const MAX_VIDEO_BACKLOG_BYTES = 256 * 1024;

/** Where the outbox sends: the connection in use, while it can take input. */
export interface OutboxTarget {
  readonly session: Session;
  readonly bufferedAmount: number;
}

/**
 * What the page sends through the SDK, whichever connection is current: typed text (kept until a connection can
 * take it), push-to-talk activity, video frames, context updates and tool responses. (Microphone audio goes from
 * the capture worklet to the session's pipeline, which sends it itself.) Sends that throw belong to a connection
 * going away; its close handler takes over.
 */
export class ClientOutbox {
  private readonly texts = new PendingTexts();
  private talking = false;

  constructor(private readonly target: () => OutboxTarget | undefined) {}

  /** Typed text (already trimmed): sent now, or once a connection is up. */
  text(text: string): void {
    const target = this.target();
    if (target) this.sendText(target.session, text);
    else this.texts.push(text);
  }

  /** Push-to-talk: the user holds the talk control. */
  activityStart(): void {
    if (this.talking) return;
    this.talking = true;
    this.realtime({ activityStart: {} });
  }

  /** Push-to-talk: the user let go. */
  activityEnd(): void {
    if (!this.talking) return;
    this.talking = false;
    this.realtime({ activityEnd: {} });
  }

  /** Muted in automatic mode: lets the service's activity detection close the user's turn. */
  audioStreamEnd(): void {
    this.realtime({ audioStreamEnd: true });
  }

  video(jpegBase64: string): void {
    this.realtime({ video: { data: jpegBase64, mimeType: 'image/jpeg' } });
  }

  /** True when a video frame would go out now rather than pile up behind a slow socket. */
  canSendVideo(): boolean {
    const target = this.target();
    return target !== undefined && target.bufferedAmount < MAX_VIDEO_BACKLOG_BYTES;
  }

  /** New tools and/or system instruction for the session in progress. */
  contextUpdate(update: LiveClientContextUpdate): void {
    try {
      this.target()?.session.sendContextUpdate(update);
    } catch {
      // The connection is going away; the next one is set up with the new context anyway.
    }
  }

  toolResponse(response: FunctionResponse): void {
    try {
      this.target()?.session.sendToolResponse({ functionResponses: [response] });
    } catch {
      // Lost with the connection; the resumed session asks again if it still needs the result.
    }
  }

  /** Push-to-talk: the talk control is held. */
  get isTalking(): boolean {
    return this.talking;
  }

  /** A connection just became current (and the pipeline sent it the microphone's backlog): sends what waited. */
  flush(session: Session): void {
    if (this.talking) this.realtime({ activityStart: {} });
    for (const text of this.texts.take()) this.sendText(session, text);
  }

  clear(): void {
    this.texts.clear();
  }

  private realtime(input: LiveSendRealtimeInputParameters): void {
    try {
      this.target()?.session.sendRealtimeInput(input);
    } catch {
      // The connection is going away; its close handler takes over.
    }
  }

  /** Typed text goes where the service takes user input (`clientContent` is for history and context). */
  private sendText(session: Session, text: string): void {
    try {
      session.sendRealtimeInput({ text });
    } catch {
      this.texts.push(text);
    }
  }
}
