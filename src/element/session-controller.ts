import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveErrorDetail, LiveState, LiveTool, Turn } from '../live/types.js';
import type { LiveSessionCallbacks, VideoSource } from '../live/live-session-options.js';
import type { LiveSession } from '../live/live-session.js';
import type { DeviceKind } from '../live/device-memory.js';
import type { SessionSettings } from '../live/element-settings.js';
import { resumeKey, type SessionPlace } from '../live/resume-key.js';
import { TranscriptModel } from '../live/transcript.js';
import { PendingTexts, typedText } from '../live/pending-texts.js';
import { GeminiLiveErrorEvent } from '../events/error-event.js';
import { GeminiLiveInterruptedEvent } from '../events/interrupted-event.js';
import { GeminiLiveStateEvent } from '../events/state-event.js';
import { GeminiLiveToolCallEvent } from '../events/tool-call-event.js';
import { GeminiLiveTranscriptEvent } from '../events/transcript-event.js';
import { GeminiLiveUsageEvent } from '../events/usage-event.js';
import { errorMessage } from '../shared/error-message.js';
import { cachedImport } from '../shared/cached-import.js';
import { KeptTranscript } from './kept-transcript.js';
import { SessionMeter } from './session-meter.js';

type Host = ReactiveControllerHost & HTMLElement;

type SessionModule = typeof import('../live/live-session.js');

/** What a start() cancelled by stop() rejects with. */
function stoppedBeforeStart(): DOMException {
  return new DOMException('The conversation was stopped before it started.', 'AbortError');
}

/** Loads the session, the SDK and the audio engine (one lazily loaded chunk), once per page. */
export const loadSessionModule: () => Promise<SessionModule> = cachedImport(() => import('../live/live-session.js'));

/**
 * Glues a lazily loaded `LiveSession` to the element: starts and stops it, turns its callbacks into DOM events
 * and re-renders the host. The transcript outlives sessions, so an ended conversation stays readable.
 */
export class SessionController implements ReactiveController {
  private session: LiveSession | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  /** The meter's levels and worker canvas, from whichever session runs. */
  readonly meter = new SessionMeter(() => this.session);
  private readonly transcriptModel = new TranscriptModel();
  private readonly kept = new KeptTranscript(this.transcriptModel, () => this.active);
  private resumeChecked = false;
  private currentState: LiveState = 'idle';
  private currentError: LiveErrorDetail | null = null;
  private fallback: DeviceKind | null = null;
  private readonly pendingTexts = new PendingTexts();
  private generation = 0;

  constructor(
    private readonly host: Host,
    /** The element's settings and place; they become session options in the session chunk. */
    private readonly settings: () => { settings: SessionSettings; place: SessionPlace },
  ) {
    host.addController(this);
    this.transcriptModel.subscribe((turn, transcript) => {
      this.host.dispatchEvent(new GeminiLiveTranscriptEvent({ turn, transcript }));
      if (turn.final) this.kept.save();
      this.host.requestUpdate();
    });
  }

  get state(): LiveState {
    return this.currentState;
  }

  get transcript(): readonly Turn[] {
    return this.transcriptModel.snapshot;
  }

  get error(): LiveErrorDetail | null {
    return this.currentError;
  }

  /** The kind of device that last fell back to the default in this session (for the status), if any. */
  get deviceFallback(): DeviceKind | null {
    return this.fallback;
  }

  /** Switches a device in use; before a session, the choice is read at start. Never rejects. */
  chooseDevice(kind: DeviceKind, id: string | undefined): void {
    this.fallback = null;
    void this.session?.chooseDevice(kind, id).catch(() => this.host.requestUpdate());
    this.host.requestUpdate();
  }

  /** The id of the device of `kind` in use, where one is open. */
  deviceInUse(kind: DeviceKind): string | undefined {
    return this.session?.deviceInUse(kind);
  }

  setVolume(volume: number): void {
    if (this.session) this.session.volume = volume;
  }

  /** A session exists or is being set up. */
  get active(): boolean {
    return this.session !== null || this.starting !== null;
  }

  /** Audio and text can be sent now. */
  get connected(): boolean {
    return this.currentState === 'listening' || this.currentState === 'speaking';
  }

  get outputStream(): MediaStream | null {
    return this.session?.outputStream ?? null;
  }

  get videoSource(): VideoSource | null {
    return this.session?.videoSource ?? null;
  }

  get videoStream(): MediaStream | null {
    return this.session?.videoStream ?? null;
  }

  hostConnected(): void {
    addEventListener('pagehide', this.kept.save);
  }

  /** Before the first render (attributes and a framework's properties are set by then): the kept transcript. */
  hostUpdate(): void {
    if (this.resumeChecked) return;
    this.resumeChecked = true;
    this.openKeptTranscript();
  }

  /** With `resume`, the transcript kept under the element's resumption key (again if the key changed). */
  private openKeptTranscript(): void {
    const { settings, place } = this.settings();
    if (settings.resume) this.kept.open(resumeKey(settings.model, place));
  }

  hostDisconnected(): void {
    removeEventListener('pagehide', this.kept.save);
    // Removing the element ends the conversation and releases the microphone, context and socket. The
    // resumption handle stays: the element may be put back, or the page be reloaded.
    void this.stop({ forget: false });
  }

  /** Starts loading the session chunk ahead of time (pointer near the toggle, panel opened). */
  prefetch(): void {
    void loadSessionModule()
      .then((module) => module.prefetchSessionDependencies())
      .catch(() => undefined);
  }

  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (this.session) return Promise.resolve();
    // iOS Safari only lets audio start inside the user's gesture: create and resume the context synchronously.
    let context: AudioContext;
    try {
      context = new AudioContext({ latencyHint: 'interactive' });
      void context.resume().catch(() => undefined);
    } catch (cause) {
      const detail: LiveErrorDetail = {
        code: 'audio-failed',
        message: `Audio could not be started: ${errorMessage(cause)}`,
        recoverable: false,
      };
      this.reportError(detail);
      this.setState('error');
      return Promise.reject(new Error(detail.message));
    }
    const generation = (this.generation += 1);
    this.currentError = null;
    this.fallback = null;
    this.openKeptTranscript();
    this.setState('connecting');
    const run = (async () => {
      const previousStop = this.stopping;
      if (previousStop) await previousStop;
      let module: SessionModule;
      try {
        module = await loadSessionModule();
      } catch (cause) {
        await context.close().catch(() => undefined);
        throw this.fail({
          code: 'connection-failed',
          message: `Could not load the conversation module: ${errorMessage(cause)}`,
          recoverable: true,
        });
      }
      if (generation !== this.generation) {
        await context.close().catch(() => undefined);
        throw stoppedBeforeStart();
      }
      const { settings, place } = this.settings();
      const session = new module.LiveSession(module.sessionOptions(settings, place), this.callbacks(generation), {
        audioContext: context,
        transcript: this.transcriptModel,
      });
      this.session = session;
      try {
        await session.start();
      } catch (error) {
        if (this.session === session) this.session = null;
        await session.dispose();
        if (generation !== this.generation) throw stoppedBeforeStart();
        const detail = session.lastError ?? {
          code: 'connection-failed' as const,
          message: errorMessage(error),
          recoverable: true,
        };
        this.setState('error');
        throw new Error(detail.message);
      }
      if (generation !== this.generation) throw stoppedBeforeStart();
      for (const text of this.pendingTexts.take()) session.sendText(text);
    })();
    this.starting = run.finally(() => {
      if (this.starting === tracked) this.starting = null;
      this.host.requestUpdate();
    });
    const tracked = this.starting;
    this.host.requestUpdate();
    return tracked;
  }

  /**
   * Ends the session. `forget` also drops a stored resumption handle: the user ended the conversation, so a
   * reload should not continue it.
   */
  stop({ forget = true } = {}): Promise<void> {
    this.generation += 1;
    const starting = this.starting;
    this.starting = null;
    this.pendingTexts.clear();
    const session = this.session;
    this.session = null;
    // A start still loading the session chunk closes its own AudioContext when it sees it was cancelled.
    const startSettled = starting ? starting.then(
      () => undefined,
      () => undefined,
    ) : Promise.resolve();
    if (!session) {
      if (this.currentState !== 'idle' && this.currentState !== 'error') this.setState('idle');
      this.host.requestUpdate();
      return Promise.all([this.stopping, startSettled]).then(() => undefined);
    }
    const stopping = session.dispose({ forget }).finally(() => {
      if (this.stopping === stopping) this.stopping = null;
    });
    this.stopping = stopping;
    this.transcriptModel.finishAll();
    this.setState('idle');
    this.host.requestUpdate();
    return Promise.all([stopping, startSettled]).then(() => undefined);
  }

  sendText(text: string): void {
    if (!typedText(text)) return;
    if (this.session) {
      // While reconnecting the session keeps the text and sends it on the next connection.
      this.session.sendText(text);
      return;
    }
    if (this.starting) {
      this.pendingTexts.push(text);
      return;
    }
    this.reportError({ code: 'not-connected', message: 'Start a conversation before sending text.', recoverable: true });
  }

  /** Texts typed before a start that did not happen (the terms were declined), taken back. */
  takePendingTexts(): string[] {
    return this.pendingTexts.take();
  }

  /** Text typed in the panel: sent while a session runs; otherwise it starts one (`start`) and goes out once connected. */
  submitText(text: string, start: () => Promise<void>): void {
    if (this.active) {
      this.sendText(text);
      return;
    }
    this.pendingTexts.push(text);
    void start().catch(() => undefined);
  }

  /** Tools or system instruction changed: the running session takes them (a session not started yet reads them at start). */
  updateContext(changes: { tools?: readonly LiveTool[]; systemInstruction?: string }): void {
    this.session?.updateContext(changes);
  }

  setMuted(muted: boolean): void {
    if (this.session) this.session.muted = muted;
  }

  /** Whether the session has (or is opening) a microphone: always, unless the conversation is typed. */
  get microphoneWanted(): boolean {
    return this.session?.microphoneWanted ?? false;
  }

  /** A typed conversation moves to speaking: the microphone is asked for now. */
  async useMicrophone(): Promise<void> {
    // Asked while connecting: the microphone opens once the session is there.
    if (!this.session && this.starting) await this.starting;
    const session = this.session;
    if (!session) return;
    const opening = session.useMicrophone();
    this.host.requestUpdate();
    await opening.finally(() => this.host.requestUpdate());
  }

  talkStart(): void {
    this.session?.activityStart();
    this.host.requestUpdate();
  }

  talkEnd(): void {
    this.session?.activityEnd();
    this.host.requestUpdate();
  }

  async startVideo(source: VideoSource): Promise<void> {
    if (!this.session || !this.connected) {
      this.reportError({ code: 'not-connected', message: 'Start a conversation before sharing video.', recoverable: true });
      throw new Error('Start a conversation before sharing video.');
    }
    await this.session.startVideo(source);
  }

  stopVideo(): void {
    this.session?.stopVideo();
  }

  private callbacks(generation: number): LiveSessionCallbacks {
    const current = () => generation === this.generation;
    return {
      onStateChange: (state) => {
        if (!current()) return;
        // A session that failed is releasing itself; forget it so the toggle can start a new one, but let a
        // later stop() wait for that release.
        if (state === 'error' && !this.starting && this.session) {
          const failed = this.session;
          this.session = null;
          const releasing = failed.dispose().finally(() => {
            if (this.stopping === releasing) this.stopping = null;
          });
          this.stopping = releasing;
        }
        this.setState(state);
      },
      onError: (detail) => {
        if (current()) this.reportError(detail);
      },
      onInterrupted: () => {
        if (current()) this.host.dispatchEvent(new GeminiLiveInterruptedEvent());
      },
      onUsage: (usage) => {
        if (current()) this.host.dispatchEvent(new GeminiLiveUsageEvent(usage));
      },
      onToolCall: (call) => {
        if (!current()) return false;
        const event = new GeminiLiveToolCallEvent(call);
        this.host.dispatchEvent(event);
        return event.defaultPrevented;
      },
      onVideoChange: () => {
        if (current()) this.host.requestUpdate();
      },
      onDeviceFallback: (kind) => {
        if (!current()) return;
        this.fallback = kind;
        this.host.requestUpdate();
      },
    };
  }

  private setState(state: LiveState): void {
    const previous = this.currentState;
    if (previous === state) return;
    this.currentState = state;
    // A working state clears a recoverable error shown before.
    if (state === 'listening' || state === 'speaking') this.currentError = null;
    this.host.dispatchEvent(new GeminiLiveStateEvent({ state, previous }));
    this.host.requestUpdate();
  }

  private reportError(detail: LiveErrorDetail): void {
    this.currentError = detail;
    this.host.dispatchEvent(new GeminiLiveErrorEvent(detail));
    this.host.requestUpdate();
  }

  private fail(detail: LiveErrorDetail): Error {
    this.reportError(detail);
    this.setState('error');
    return new Error(detail.message);
  }
}
