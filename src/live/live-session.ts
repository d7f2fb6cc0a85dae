import type { AudioEngine } from '../audio/audio-engine.js';
import type { LiveErrorDetail, LiveState } from './types.js';
import type { LiveSessionCallbacks, LiveSessionOptions, LiveSessionResources, VideoSource } from './live-session-options.js';
import type { TranscriptModel } from './transcript.js';
import type { LiveClientContextUpdate } from '@google/genai';
import { ClientOutbox } from './client-outbox.js';
import { contextUpdate, type ContextChanges } from './context-update.js';
import { modelProfile, runsNonBlocking } from './models.js';
import { ConnectionManager } from './connection-manager.js';
import { LiveError, toLiveError } from './errors.js';
import { SessionVideo } from './session-video.js';
import type { DeviceKind } from './session-devices.js';
import { SessionMicrophone } from './session-microphone.js';
import { loadAudioEngine, workletsReady } from './session-audio.js';
import { typedText } from './pending-texts.js';
import { ResumptionStore, defaultResumeKey } from './resumption-store.js';
import { ServerEventRouter } from './server-event-router.js';
import { SessionLevels } from './session-levels.js';
import { PipelineClient } from '../pipeline/pipeline-client.js';
import { TokenSource } from './token-source.js';
import { ToolDispatcher } from './tool-dispatcher.js';
import { AudioRevival } from './audio-revival.js';
import { ScreenWakeLock } from './screen-wake-lock.js';

export { prefetchSessionDependencies } from './session-audio.js';
export { sessionOptions } from './element-settings.js';

/**
 * One conversation with the Live API over the SDK's browser build: credentials, setup, microphone audio out,
 * model audio and transcripts in, interruptions, tools, resumption across goAway and dropped connections.
 * Plain TypeScript (no Lit, no DOM); the element's SessionController drives it. A facade: connections are the
 * {@link ConnectionManager}'s, what the page sends the {@link ClientOutbox}'s, what comes in the
 * {@link ServerEventRouter}'s, the sockets, the microphone's chunks and the model's voice the
 * {@link PipelineClient}'s (in the socket worker, or on the page), and the worklets the {@link AudioEngine}'s.
 */
export class LiveSession {
  /** The error that ended the session or its start, if any. */
  lastError: LiveErrorDetail | null = null;
  /** The microphone's and the voice's levels, and the meter in the socket worker. */
  readonly meter = new SessionLevels(() => this.pipeline, () => this.engine, () => this.disposed);

  private readonly options: LiveSessionOptions;
  private readonly callbacks: LiveSessionCallbacks;
  private readonly context: AudioContext;
  private readonly transcript: TranscriptModel;
  private readonly tokens: TokenSource;
  private readonly abort = new AbortController();
  private readonly store?: ResumptionStore;
  private readonly connections: ConnectionManager;
  private readonly outbox: ClientOutbox;
  private readonly router: ServerEventRouter;
  private readonly dispatcher: ToolDispatcher;
  private readonly video: SessionVideo;
  private readonly microphone: SessionMicrophone;

  private engine?: AudioEngine;
  private current: LiveState = 'connecting';
  private started = false;
  private disposing?: Promise<void>;
  private engineLoading?: Promise<AudioEngine>;
  private pipeline?: PipelineClient;
  /** Until the engine exists, mute is kept here and handed to it. */
  private mutedBeforeEngine: boolean;
  /** Phones: a new engine when the context will not run again, the screen kept on, the audio session of a call. */
  private readonly revival = new AudioRevival({
    engine: () => this.engine,
    pipeline: () => this.pipeline,
    openMicrophone: (engine) => this.microphone.reopenOn(engine),
    adopt: (engine) => this.adoptEngine(engine),
    ended: () => this.disposed,
  });
  private wakeLock?: ScreenWakeLock;

  constructor(options: LiveSessionOptions, callbacks: LiveSessionCallbacks, resources: LiveSessionResources) {
    this.options = options;
    this.callbacks = callbacks;
    this.context = resources.audioContext;
    this.transcript = resources.transcript;
    this.mutedBeforeEngine = options.muted;
    this.tokens = new TokenSource(options);
    if (options.resume) this.store = new ResumptionStore(options.resumeKey ?? defaultResumeKey(options.model));
    this.connections = new ConnectionManager(
      options,
      this.tokens,
      this.abort.signal,
      {
        onMessage: (from, message) => this.router.route(from, message),
        onDroppedFrame: (frame) => this.router.dropped(frame),
        onVoice: (_from, { ms, seq }, counts) => {
          const queued = () => this.engine?.noteVoiceQueued(seq);
          // Voice from a connection that no longer counts still plays out (the worklet has it): only the engine
          // needs to know, so that playback is seen to end.
          if (counts) this.router.voiceQueued(ms, queued);
          else queued();
        },
        onFlushed: (_from, turn) => this.router.flushed(turn),
        onActivate: (conn) => {
          // The microphone's backlog goes first (the pipeline sends it), then what waited on the page.
          this.pipeline?.setCurrent(conn.socketFactory);
          if (conn.session) this.outbox.flush(conn.session);
          this.updateActivityState();
        },
        onLost: () => {
          this.router.reset();
          this.setState('reconnecting');
        },
        onRecovering: () => this.setState('reconnecting'),
        onFail: (error) => this.fail(error),
        modelTurnOpen: () => this.router.modelTurnOpen,
        socketFactory: (listener) => this.startPipeline().socketFactory(listener),
      },
      this.store,
    );
    this.outbox = new ClientOutbox(() => this.connections.target());
    this.video = new SessionVideo({
      fps: options.videoFps,
      send: (jpegBase64) => this.outbox.video(jpegBase64),
      canSend: () => this.outbox.canSendVideo(),
      onChange: () => this.callbacks.onVideoChange(),
      onCameraLost: () => this.microphone.devices.cameraLost(),
      cameraId: () => this.microphone.devices.id('camera'),
      onError: (detail) => this.callbacks.onError(detail),
      ended: () => this.disposed,
    });
    this.microphone = new SessionMicrophone({
      ...{ options, callbacks, signal: this.abort.signal, video: this.video },
      engine: () => this.engine,
      engineLoading: () => this.engineLoading,
    });
    this.dispatcher = new ToolDispatcher(
      () => this.options.tools,
      (response) => this.outbox.toolResponse(response),
      (call) => this.callbacks.onToolCall(call),
      (tool) => runsNonBlocking(modelProfile(this.options.model), tool?.behavior),
    );
    this.router = new ServerEventRouter(this.transcript, this.dispatcher, this.connections, callbacks, options.responseModality === 'text', {
      engine: () => this.engine,
      onActivity: () => this.updateActivityState(),
    });
  }

  // --- public surface ------------------------------------------------------------------------------------------

  get state(): LiveState {
    return this.current;
  }

  get muted(): boolean {
    return this.engine?.muted ?? this.mutedBeforeEngine;
  }

  set muted(value: boolean) {
    if (value === this.muted) return;
    this.mutedBeforeEngine = value;
    if (this.engine) this.engine.muted = value;
    this.updateMicrophone();
    // Lets the service's activity detection close the user's turn instead of waiting for more audio.
    if (value && this.options.mode === 'auto') this.outbox.audioStreamEnd();
  }

  get outputStream(): MediaStream | null {
    return this.engine?.outputStream ?? null;
  }

  get videoSource(): VideoSource | null {
    return this.video.source;
  }

  get videoStream(): MediaStream | null {
    return this.video.stream;
  }

  /** The resumption handle the next connection would use. */
  get resumptionHandle(): string | undefined {
    return this.connections.resumptionHandle;
  }

  /**
   * Microphone, worklets, SDK and token all at once; then the connection. Resolves once the session is set up
   * and audio flows; what the microphone captured meanwhile is sent first.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('A LiveSession starts once.');
    this.started = true;
    if (!this.disposed) this.wakeLock = new ScreenWakeLock();
    try {
      if (!this.tokens.configured) {
        throw new LiveError('config-invalid', 'No credentials: set token-endpoint, tokenProvider or api-key.', false);
      }
      await this.connections.start(this.startAudio());
    } catch (error) {
      const liveError = this.disposed && !(error instanceof LiveError) ? new LiveError('connection-failed', 'Stopped.', true) : toLiveError(error);
      this.lastError = liveError.detail;
      if (!this.disposed) {
        this.callbacks.onError(liveError.detail);
        this.setState('error');
      }
      throw liveError;
    }
  }

  sendText(text: string): void {
    const typed = typedText(text);
    if (!typed || this.disposed) return;
    this.transcript.add('user', typed);
    this.outbox.text(typed);
  }

  /** New tools or system instruction: a context update now where the model takes one; later setups in any case. */
  updateContext(changes: ContextChanges): void {
    if (this.disposed) return;
    let update: LiveClientContextUpdate | null;
    try {
      update = contextUpdate(this.options, changes);
    } catch (error) {
      this.callbacks.onError(toLiveError(error, 'config-invalid').detail);
      return;
    }
    if (update) this.outbox.contextUpdate(update);
  }

  /** Whether the microphone was asked for (always, unless the conversation is typed: `textOnly`). */
  get microphoneWanted(): boolean {
    return this.microphone.wanted;
  }

  /** A typed conversation (`textOnly`) moves to speaking: the microphone is asked for now, once. */
  useMicrophone(): Promise<void> {
    return this.microphone.use();
  }

  /** Push-to-talk: the user holds the talk control. */
  activityStart(): void {
    if (this.disposed) return;
    this.outbox.activityStart();
    this.updateMicrophone();
  }

  /** Push-to-talk: the user let go. */
  activityEnd(): void {
    this.outbox.activityEnd();
    this.updateMicrophone();
  }

  startVideo(source: VideoSource): Promise<void> {
    return this.video.start(source);
  }

  /** Switches the microphone, speaker or camera in use ('' or undefined: the default), on the same connection. */
  chooseDevice(kind: DeviceKind, id: string | undefined): Promise<void> {
    return this.microphone.devices.choose(kind, id);
  }

  /** The devices in use now, by kind (undefined where none is open, or the browser does not say). */
  deviceInUse(kind: DeviceKind): string | undefined {
    return this.microphone.inUse(kind);
  }

  /** Loudness of the model's voice through the speakers, 0–1. */
  set volume(value: number) {
    this.options.volume = value;
    if (this.engine) this.engine.volume = value;
  }

  stopVideo(): void {
    this.video.stop();
  }

  /**
   * Ends the session and releases everything: by the time it resolves the microphone and camera tracks are
   * stopped, the AudioContext is closed and every socket closed. Safe to call more than once.
   */
  dispose({ forget = false }: { forget?: boolean } = {}): Promise<void> {
    // The conversation was ended on purpose: a reload should start a new one.
    if (forget) this.store?.clear();
    this.disposing ??= this.release();
    return this.disposing;
  }

  // --- internals -----------------------------------------------------------------------------------------------

  private get disposed(): boolean {
    return this.abort.signal.aborted;
  }

  /** Loads the audio engine and hands it the context: from here on the engine owns the context. */
  private async loadEngine(): Promise<AudioEngine> {
    const engine = await loadAudioEngine(this.context);
    // Created even when the session was disposed meanwhile, so that the context is closed by its owner.
    if (this.disposed) await engine.dispose();
    else this.engine = engine;
    return engine;
  }

  /**
   * The pipeline, started once: in the socket worker, or on the page where none can run (or none is wanted).
   * The worklets reach it through ports the engine gets as soon as both exist.
   */
  private startPipeline(): PipelineClient {
    if (this.pipeline) return this.pipeline;
    const pipeline = new PipelineClient({
      worker: this.options.socketWorker !== false,
      plays: this.options.responseModality !== 'text',
      onWorklets: (ports) => this.engine?.connectPipeline(ports),
    });
    this.pipeline = pipeline;
    this.updateMicrophone();
    void this.engineLoading?.then((engine) => {
      if (!this.disposed) engine.connectPipeline(pipeline.worklets);
    }, () => undefined);
    return pipeline;
  }

  /** Tells the pipeline whether microphone audio may go out. */
  private updateMicrophone(): void {
    this.pipeline?.setMicrophone({ muted: this.muted, pushToTalk: this.options.mode === 'push-to-talk', talking: this.outbox.isTalking });
  }

  /** The engine, then the microphone; resolves once audio flows. */
  private async startAudio(): Promise<void> {
    this.engineLoading = this.loadEngine();
    this.startPipeline();
    const engine = await this.engineLoading;
    if (this.disposed) return;
    this.wireEngine(engine);
    // A typed conversation needs the worklets for the model's voice, and no microphone until the visitor speaks.
    if (this.options.textOnly) await workletsReady(engine);
    else await this.microphone.start(engine);
  }

  /** The session's callbacks and settings on `engine`: the first, or one revived on a new context. */
  private wireEngine(engine: AudioEngine): void {
    engine.muted = this.mutedBeforeEngine;
    engine.onPipelineSilent = () => this.pipeline?.workerSilent();
    engine.onPlaybackStart = () => this.updateActivityState();
    engine.onPlaybackEnd = () => this.updateActivityState();
    engine.onCaptureEnded = () => {
      // Unplugged, or taken away: the default microphone takes over, on the same connection.
      if (!this.disposed) this.microphone.devices.microphoneEnded();
    };
    engine.onContextLost = () => void this.revival.revive();
    if (this.options.volume !== undefined) engine.volume = this.options.volume;
    void this.microphone.devices.applySpeaker();
  }

  /** An engine on a new context takes over from one whose context would not run again (see {@link AudioRevival}). */
  private adoptEngine(engine: AudioEngine): void {
    this.engine = engine;
    this.engineLoading = Promise.resolve(engine);
    this.wireEngine(engine);
    this.updateActivityState();
  }

  private updateActivityState(): void {
    if (this.disposed || this.current === 'error') return;
    if (this.connections.recovering) {
      this.setState('reconnecting');
      return;
    }
    if (!this.connections.active) return;
    const speaking = this.engine?.playing || (this.options.responseModality === 'text' && this.router.modelTurnOpen);
    this.setState(speaking ? 'speaking' : 'listening');
  }

  private setState(state: LiveState): void {
    if (state === this.current) return;
    const previous = this.current;
    this.current = state;
    this.callbacks.onStateChange(state, previous);
  }

  private fail(error: LiveError): void {
    if (this.disposed) return;
    this.lastError = error.detail;
    this.callbacks.onError(error.detail);
    this.setState('error');
    void this.dispose();
  }

  private async release(): Promise<void> {
    this.abort.abort();
    this.wakeLock?.dispose();
    this.dispatcher.dispose();
    this.transcript.finishAll();
    this.connections.closeAll();
    this.outbox.clear();
    this.video.dispose();
    this.microphone.dispose();
    this.engine = undefined;
    // The pipeline's sockets close with the codes just given; the worker ends once they have.
    await this.pipeline?.shutdown();
    // A revival under way releases what it built; one that finished left its engine to the lines below.
    await this.revival.dispose();
    // An engine still loading disposes itself as it arrives; either way the context is closed when this resolves.
    const engine = await this.engineLoading?.catch(() => undefined);
    await engine?.dispose().catch(() => undefined);
  }
}
