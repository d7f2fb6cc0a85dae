import type { LiveServerMessage, Session } from '@google/genai';
import type { AudioEngine } from '../audio/audio-engine.js';
import type { VideoCapture } from './video-capture.js';
import type { LiveErrorDetail, LiveState } from './types.js';
import type { LiveSessionCallbacks, LiveSessionOptions, VideoSource } from './options.js';
import type { TranscriptModel } from './transcript.js';
import { AudioBacklog } from './audio-backlog.js';
import { buildLiveConfig } from './config.js';
import { LiveError, isFatalClose, microphoneError, setupCloseError, toLiveError } from './errors.js';
import { GuardedSocketFactory, type DroppedFrame, type GuardedSocket } from './guarded-socket.js';
import { ResumptionStore, defaultResumeKey } from './resumption-store.js';
import { readServerMessage, type ServerEvent } from './server-message.js';
import { TokenSource, type Credential } from './token-source.js';
import { ToolDispatcher, type FunctionResponse } from './tool-dispatcher.js';
import { base64ToBytes, bytesToBase64 } from '../audio/base64.js';
import { errorMessage } from '../shared/error-message.js';

type Sdk = typeof import('./sdk-live.js');

export interface LiveSessionResources {
  /** Created (or resumed) by the caller inside the user's gesture; the session owns it from here on. */
  audioContext: AudioContext;
  /** Shared with the caller, so the transcript outlives the session. */
  transcript: TranscriptModel;
}

const DEFAULT_SETUP_TIMEOUT_MS = 15_000;
const DEFAULT_RECONNECT_ATTEMPTS = 5;
const DEFAULT_RECONNECT_DELAY_MS = 300;
const INPUT_MIME = 'audio/pcm;rate=16000';

/**
 * Starts loading what a session needs besides this chunk (the SDK's Live module and the audio engine), so that a
 * start shortly after (the pointer is on the start button) does not wait for them.
 */
export function prefetchSessionDependencies(): void {
  void import('./sdk-live.js').catch(() => undefined);
  void import('../audio/audio-engine.js').catch(() => undefined);
}

/** One WebSocket connection to the Live service. A session spans several (goAway handovers, reconnects). */
interface Connection {
  readonly id: number;
  readonly sockets: GuardedSocketFactory;
  session?: Session;
  ready: boolean;
  closed: boolean;
  /** We closed it (stop, handover finished): its close is not a failure. */
  closedByUs: boolean;
  /** The server announced its end; a successor is being opened. */
  goingAway: boolean;
  /** After a handover: close once its current model turn is done. */
  retireAfterTurn: boolean;
  closeCode?: number;
  closeReason?: string;
  timers: number[];
}

/**
 * One conversation with the Live API over the SDK's browser build: credentials, setup, microphone audio out,
 * model audio and transcripts in, interruptions, tools, resumption across goAway and dropped connections.
 * Plain TypeScript (no Lit); the element's SessionController drives it.
 */
export class LiveSession {
  /** The error that ended the session or its start, if any. */
  lastError: LiveErrorDetail | null = null;

  private readonly options: LiveSessionOptions;
  private readonly callbacks: LiveSessionCallbacks;
  private readonly context: AudioContext;
  private readonly transcriptModel: TranscriptModel;
  private readonly tokens: TokenSource;
  private readonly backlog = new AudioBacklog(5000);
  private readonly dispatcher: ToolDispatcher;
  private readonly store?: ResumptionStore;
  private readonly abort = new AbortController();

  private sdk?: Sdk;
  private engine?: AudioEngine;
  private video?: VideoCapture;
  private active?: Connection;
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 0;
  private handle?: string;
  private current: LiveState = 'connecting';
  private started = false;
  private disposed = false;
  private disposing?: Promise<void>;
  private reconnecting = false;
  private handingOver = false;
  private talking = false;
  private isMuted: boolean;
  private modelTurnOpen = false;
  private turnReceivedMs = 0;
  private pendingTexts: string[] = [];
  private droppedFrames = 0;

  constructor(options: LiveSessionOptions, callbacks: LiveSessionCallbacks, resources: LiveSessionResources) {
    this.options = options;
    this.callbacks = callbacks;
    this.context = resources.audioContext;
    this.transcriptModel = resources.transcript;
    this.isMuted = options.muted;
    this.tokens = new TokenSource(options);
    this.dispatcher = new ToolDispatcher(
      () => this.options.tools,
      (response) => this.sendToolResponse(response),
      (call) => this.callbacks.onToolCall(call),
    );
    if (options.resume) {
      this.store = new ResumptionStore(options.resumeKey ?? defaultResumeKey(options.model));
      this.handle = this.store.load();
    }
  }

  // --- public surface ------------------------------------------------------------------------------------------

  get state(): LiveState {
    return this.current;
  }

  get muted(): boolean {
    return this.isMuted;
  }

  set muted(value: boolean) {
    if (value === this.isMuted) return;
    this.isMuted = value;
    if (this.engine) this.engine.muted = value;
    // Lets the service's activity detection close the user's turn instead of waiting for more audio.
    if (value && this.options.mode === 'auto') this.sendRealtime({ audioStreamEnd: true });
  }

  get inputLevel(): number {
    return this.isMuted ? 0 : (this.engine?.inputLevel ?? 0);
  }

  get outputLevel(): number {
    return this.engine?.outputLevel ?? 0;
  }

  get outputStream(): MediaStream | null {
    return this.engine?.outputStream ?? null;
  }

  get videoSource(): VideoSource | null {
    return this.video?.source ?? null;
  }

  get videoStream(): MediaStream | null {
    return this.video?.stream ?? null;
  }

  /** The resumption handle the next connection would use. */
  get resumptionHandle(): string | undefined {
    return this.handle;
  }

  /**
   * Microphone, worklets, SDK and token all at once; then the connection. Resolves once the session is set up
   * and audio flows; what the microphone captured meanwhile is sent first.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('A LiveSession starts once.');
    this.started = true;
    const signal = this.abort.signal;
    this.context.addEventListener('statechange', this.onContextStateChange);
    try {
      if (!this.tokens.configured) {
        throw new LiveError('config-invalid', 'No credentials: set token-endpoint, tokenProvider or api-key.', false);
      }
      const audio = this.startAudio();
      const connection = Promise.all([this.loadSdk(), this.tokens.next(this.options.model, signal)]).then(
        ([sdk, credential]) => this.openFirstConnection(sdk, credential),
      );
      // If one half fails, the other may still succeed later: make sure it is released.
      connection.catch(() => undefined);
      audio.catch(() => undefined);
      const [opened] = await Promise.all([connection, audio]).catch(async (error: unknown) => {
        const conn = await connection.catch(() => undefined);
        if (conn) this.closeConnection(conn);
        throw error;
      });
      if (this.disposed) {
        this.closeConnection(opened);
        throw new LiveError('connection-failed', 'The session was stopped while starting.', true);
      }
      // The connection may have closed while the microphone prompt was still open: connect again (with the
      // handle, if the service gave one) rather than activate a dead socket.
      let ready = opened;
      for (let attempt = 0; ready.closed && attempt < 2; attempt += 1) {
        ready = await this.openConnection(await this.loadSdk(), await this.tokens.next(this.options.model, signal));
      }
      if (ready.closed) throw new LiveError('connection-failed', 'The connection closed right after it was set up.', true);
      this.activate(ready);
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
    const trimmed = text.trim();
    if (!trimmed || this.disposed) return;
    this.transcriptModel.add('user', trimmed);
    const conn = this.active;
    if (!conn?.ready || !conn.session) {
      this.pendingTexts.push(trimmed);
      return;
    }
    this.sendClientText(conn, trimmed);
  }

  /** Push-to-talk: the user holds the talk control. */
  activityStart(): void {
    if (this.talking || this.disposed) return;
    this.talking = true;
    this.sendRealtime({ activityStart: {} });
  }

  /** Push-to-talk: the user let go. */
  activityEnd(): void {
    if (!this.talking) return;
    this.talking = false;
    this.sendRealtime({ activityEnd: {} });
  }

  async startVideo(source: VideoSource): Promise<void> {
    if (this.disposed) throw new LiveError('not-connected', 'The session has ended.', true);
    try {
      if (!this.video) {
        const { VideoCapture } = await import('./video-capture.js');
        // dispose() may have run during the import: a capture created now would never be released.
        if (this.disposed) throw new LiveError('not-connected', 'The session has ended.', true);
        // startVideo() calls racing through the import share one capture.
        this.video ??= new VideoCapture({
          fps: this.options.videoFps,
          send: (jpegBase64) => this.sendVideoFrame(jpegBase64),
          canSend: () => this.canSendVideo(),
          onEnded: () => this.callbacks.onVideoChange(),
        });
      }
      await this.video.start(source);
      this.callbacks.onVideoChange();
    } catch (error) {
      const liveError =
        error instanceof LiveError
          ? error
          : error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'SecurityError')
            ? new LiveError('video-denied', `Sharing was not allowed (${error.name}).`, true)
            : new LiveError('video-failed', `Video could not be shared: ${errorMessage(error)}`, true);
      if (!this.disposed) {
        this.callbacks.onError(liveError.detail);
        this.callbacks.onVideoChange();
      }
      throw liveError;
    }
  }

  stopVideo(): void {
    if (!this.video?.source) return;
    this.video.stop();
    this.callbacks.onVideoChange();
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

  // --- audio context recovery ----------------------------------------------------------------------------------

  /**
   * The OS or browser may suspend the context (a phone call, iOS sending the tab to the background: Safari's
   * "interrupted" state). Try to resume at once, and if the browser wants a gesture, on the next one.
   */
  private readonly onContextStateChange = () => {
    if (this.disposed) return;
    const state = this.context.state as string;
    if (state !== 'suspended' && state !== 'interrupted') return;
    this.context.resume().catch(() => undefined);
    this.resumeOnNextGesture();
  };

  private gestureResume?: () => void;

  private resumeOnNextGesture(): void {
    if (this.gestureResume || typeof document === 'undefined') return;
    const resume = () => {
      this.disarmGestureResume();
      if (!this.disposed && this.context.state !== 'running' && this.context.state !== 'closed') {
        this.context.resume().catch(() => undefined);
      }
    };
    this.gestureResume = resume;
    document.addEventListener('pointerdown', resume, true);
    document.addEventListener('keydown', resume, true);
  }

  private disarmGestureResume(): void {
    if (!this.gestureResume) return;
    document.removeEventListener('pointerdown', this.gestureResume, true);
    document.removeEventListener('keydown', this.gestureResume, true);
    this.gestureResume = undefined;
  }

  // --- start-up pieces -----------------------------------------------------------------------------------------

  private async loadSdk(): Promise<Sdk> {
    if (!this.sdk) {
      try {
        this.sdk = await import('./sdk-live.js');
      } catch (cause) {
        throw new LiveError('connection-failed', `The Gemini SDK could not be loaded: ${String(cause)}`, true, { cause });
      }
    }
    return this.sdk;
  }

  private async startAudio(): Promise<void> {
    let engineModule: typeof import('../audio/audio-engine.js');
    try {
      engineModule = await import('../audio/audio-engine.js');
    } catch (cause) {
      throw new LiveError('audio-failed', `The audio engine could not be loaded: ${String(cause)}`, true, { cause });
    }
    if (this.disposed) return;
    const engine = new engineModule.AudioEngine({ context: this.context });
    this.engine = engine;
    engine.muted = this.isMuted;
    engine.onChunk = (pcm) => this.onMicrophoneChunk(pcm);
    engine.onPlaybackStart = () => this.updateActivityState();
    engine.onPlaybackEnd = () => this.updateActivityState();
    engine.onCaptureEnded = () => {
      if (this.disposed) return;
      // Typed text still works; the user can start again once a microphone is back.
      this.callbacks.onError({ code: 'mic-missing', message: 'The microphone stopped (unplugged, or permission withdrawn).', recoverable: true });
    };
    // Worklets load while the microphone is being opened; a worklet failure is an audio failure, not a mic one.
    const ready = engine.ready().then(
      () => undefined,
      (cause: unknown) => {
        throw new LiveError('audio-failed', `The audio worklets could not be loaded: ${errorMessage(cause)}`, true, {
          cause,
        });
      },
    );
    ready.catch(() => undefined);
    try {
      await engine.startCapture({
        chunkMs: clamp(this.options.chunkMs, 10, 100, 20),
        audioProcessing: this.options.audioProcessing,
        constraints: this.options.audioConstraints,
        signal: this.abort.signal,
      });
    } catch (cause) {
      await ready;
      if (cause instanceof LiveError) throw cause;
      throw microphoneError(cause);
    }
    await ready;
  }

  /**
   * The first connection. A stored resumption handle may have expired (the service refuses it with 1008): then
   * the conversation starts afresh instead of failing every time until the tab is closed.
   */
  private async openFirstConnection(sdk: Sdk, credential: Credential): Promise<Connection> {
    try {
      return await this.openConnection(sdk, credential);
    } catch (error) {
      const refusedHandle = this.handle && error instanceof LiveError && (error.detail.code === 'server-closed' || error.detail.code === 'model-not-found');
      if (!refusedHandle || this.disposed) throw error;
      this.handle = undefined;
      this.store?.clear();
      return this.openConnection(sdk, await this.tokens.next(this.options.model, this.abort.signal));
    }
  }

  private apiVersionFor(credential: Credential): string | undefined {
    if (this.options.apiVersion) return this.options.apiVersion;
    return credential.kind === 'token' ? 'v1alpha' : undefined;
  }

  private baseUrl(): string | undefined {
    const base = this.options.apiBaseUrl;
    if (!base) return undefined;
    try {
      return new URL(base, document.baseURI).href.replace(/\/+$/, '');
    } catch {
      return base;
    }
  }

  /** Opens one connection and waits for `setupComplete`, with our own timeout (the SDK has none). */
  private async openConnection(sdk: Sdk, credential: Credential): Promise<Connection> {
    if (this.disposed) throw new LiveError('connection-failed', 'Stopped.', true);
    const conn: Connection = {
      id: (this.nextConnectionId += 1),
      sockets: new GuardedSocketFactory((frame) => this.onDroppedFrame(frame)),
      ready: false,
      closed: false,
      closedByUs: false,
      goingAway: false,
      retireAfterTurn: false,
      timers: [],
    };
    this.connections.add(conn);

    const live = sdk.createLive(
      { apiKey: credential.value, baseUrl: this.baseUrl(), apiVersion: this.apiVersionFor(credential) },
      conn.sockets,
    );

    const config = buildLiveConfig(this.options, this.handle);
    let timer = 0;
    const timeoutMs = this.options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS;
    const timeout = new Promise<never>((_, reject) => {
      timer = window.setTimeout(
        () => reject(new LiveError('setup-timeout', `The service did not complete setup within ${Math.round(timeoutMs / 1000)} s.`, true)),
        timeoutMs,
      );
    });
    let onAbort = () => undefined as void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new LiveError('connection-failed', 'Stopped.', true));
      if (this.abort.signal.aborted) onAbort();
      else this.abort.signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    const connecting = live.connect({
      model: this.options.model,
      config,
      callbacks: {
        onmessage: (message: LiveServerMessage) => this.onServerMessage(conn, message),
        onerror: () => undefined,
        onclose: (event: CloseEvent) => this.onConnectionClosed(conn, event),
      },
    });
    try {
      conn.session = await Promise.race([connecting, timeout, aborted]);
      conn.ready = true;
      return conn;
    } catch (error) {
      connecting.catch(() => undefined);
      this.closeConnection(conn);
      if (error instanceof LiveError) throw error;
      if (conn.closeCode !== undefined) throw setupCloseError(conn.closeCode, conn.closeReason ?? '');
      throw new LiveError('connection-failed', `Could not connect: ${errorMessage(error)}`, true, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Makes `conn` the connection that audio and text go to, and sends what waited for it. */
  private activate(conn: Connection): void {
    this.active = conn;
    for (const chunk of this.backlog.drain()) this.sendAudio(conn, chunk);
    if (this.talking) this.sendRealtime({ activityStart: {} });
    for (const text of this.pendingTexts.splice(0)) this.sendClientText(conn, text);
    this.updateActivityState();
  }

  // --- outgoing ----------------------------------------------------------------------------------------------

  private onMicrophoneChunk(pcm: ArrayBuffer): void {
    if (this.disposed || this.isMuted) return;
    // Push-to-talk sends audio only while the talk control is held.
    if (this.options.mode === 'push-to-talk' && !this.talking) return;
    const conn = this.active;
    if (conn?.ready && !conn.closed && !this.reconnecting) this.sendAudio(conn, pcm);
    else this.backlog.push(pcm);
  }

  private sendAudio(conn: Connection, pcm: ArrayBuffer): void {
    try {
      conn.session?.sendRealtimeInput({ audio: { data: bytesToBase64(new Uint8Array(pcm)), mimeType: INPUT_MIME } });
    } catch {
      this.backlog.push(pcm);
    }
  }

  private sendRealtime(input: Record<string, unknown>): void {
    const conn = this.active;
    if (!conn?.ready || conn.closed || !conn.session) return;
    try {
      conn.session.sendRealtimeInput(input as Parameters<Session['sendRealtimeInput']>[0]);
    } catch {
      // The connection is going away; its close handler takes over.
    }
  }

  private sendClientText(conn: Connection, text: string): void {
    try {
      conn.session?.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: true });
    } catch {
      this.pendingTexts.push(text);
    }
  }

  private sendToolResponse(response: FunctionResponse): void {
    const conn = this.active;
    if (!conn?.ready || !conn.session) return;
    try {
      conn.session.sendToolResponse({ functionResponses: [response as never] });
    } catch {
      // Lost with the connection; the resumed session asks again if it still needs the result.
    }
  }

  private canSendVideo(): boolean {
    const conn = this.active;
    if (!conn?.ready || conn.closed || this.reconnecting) return false;
    const socket = conn.sockets.sockets[conn.sockets.sockets.length - 1] as GuardedSocket | undefined;
    return !socket || socket.bufferedAmount < 256 * 1024;
  }

  private sendVideoFrame(jpegBase64: string): void {
    this.sendRealtime({ video: { data: jpegBase64, mimeType: 'image/jpeg' } });
  }

  // --- incoming ----------------------------------------------------------------------------------------------

  private onDroppedFrame(frame: DroppedFrame): void {
    this.droppedFrames += 1;
    if (this.droppedFrames === 1) {
      console.warn(`<gemini-live>: ignored a malformed message from the server (${frame.reason}, ${frame.bytes} bytes); further ones are ignored silently.`);
    }
  }

  private onServerMessage(conn: Connection, message: LiveServerMessage): void {
    if (this.disposed || !this.connections.has(conn)) return;
    let event: ServerEvent;
    try {
      event = readServerMessage(message);
    } catch {
      return;
    }
    try {
      this.handleEvent(conn, event);
    } catch {
      // Nothing a message contains may throw into the page; reported (once) like a malformed frame.
      this.onDroppedFrame({ reason: 'unreadable', bytes: 0 });
    }
  }

  private handleEvent(conn: Connection, event: ServerEvent): void {
    if (event.resumption?.resumable) {
      this.handle = event.resumption.handle;
      this.store?.save(event.resumption.handle);
    }
    if (event.goAway) this.beginHandover(conn, event.goAway.timeLeftMs);

    if (event.inputTranscription) this.transcriptModel.append('user', event.inputTranscription);

    const modelOutput = event.audio.length > 0 || event.text.length > 0 || Boolean(event.outputTranscription);
    if (modelOutput && !this.modelTurnOpen) {
      this.modelTurnOpen = true;
      this.turnReceivedMs = 0;
      this.transcriptModel.finish('user');
      this.engine?.startTurn();
    }
    for (const piece of event.audio) {
      let bytes: Uint8Array;
      try {
        bytes = base64ToBytes(piece.data);
      } catch {
        // Not base64: drop this piece only; the rest of the message (transcripts, turnComplete) still counts.
        this.onDroppedFrame({ reason: 'unreadable', bytes: piece.data.length });
        continue;
      }
      if (!bytes.byteLength) continue;
      const even = bytes.byteLength - (bytes.byteLength % 2);
      this.turnReceivedMs += (even / 2 / piece.sampleRate) * 1000;
      this.engine?.enqueue(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + even) as ArrayBuffer, piece.sampleRate);
    }
    if (this.options.responseModality === 'text') {
      for (const text of event.text) this.transcriptModel.append('model', text);
    }
    if (event.outputTranscription) this.transcriptModel.append('model', event.outputTranscription);

    if (event.interrupted) this.onInterrupted();
    if (event.turnComplete) {
      this.transcriptModel.finish('user');
      this.transcriptModel.finish('model');
      this.modelTurnOpen = false;
      if (conn.retireAfterTurn) this.closeConnection(conn);
    }
    if (event.usage) this.callbacks.onUsage(event.usage);
    if (event.toolCalls.length) {
      this.transcriptModel.finish('user');
      for (const call of event.toolCalls) this.dispatcher.dispatch(call);
    }
    if (event.toolCancellations.length) this.dispatcher.cancel(event.toolCancellations);
    this.updateActivityState();
  }

  private onInterrupted(): void {
    const received = this.turnReceivedMs;
    const turnId = this.transcriptModel.interrupt();
    this.modelTurnOpen = false;
    this.callbacks.onInterrupted();
    if (!this.engine) return;
    // Silence first; the share of the turn that was heard arrives a moment later and trims the caption.
    void this.engine.flush().then(
      ({ playedMs }) => {
        if (turnId && received > 0 && this.options.responseModality === 'audio') {
          this.transcriptModel.trim(turnId, playedMs / received);
        }
        this.updateActivityState();
      },
      () => undefined,
    );
  }

  // --- connection lifecycle ----------------------------------------------------------------------------------

  private onConnectionClosed(conn: Connection, event: CloseEvent): void {
    conn.closed = true;
    conn.closeCode = event?.code;
    conn.closeReason = event?.reason;
    for (const timer of conn.timers) clearTimeout(timer);
    if (this.disposed || conn.closedByUs || !conn.ready) {
      this.connections.delete(conn);
      return;
    }
    this.connections.delete(conn);
    if (conn !== this.active) return;
    if (this.handingOver) {
      // The successor is on its way; until it is up, audio waits in the backlog.
      this.setState('reconnecting');
      return;
    }
    const code = event?.code ?? 1006;
    if (isFatalClose(code)) {
      const reason = event?.reason || 'no reason given';
      this.fail(
        code === 1007
          ? new LiveError('auth-failed', `The service refused the credentials: ${reason}`, false)
          : new LiveError('server-closed', `The service closed the conversation (${code}): ${reason}`, false),
      );
      return;
    }
    void this.reconnect(code, event?.reason ?? '');
  }

  /** The connection dropped: reconnect with the newest handle and a fresh token, with back-off. */
  private async reconnect(code: number, reason: string): Promise<void> {
    if (this.reconnecting || this.disposed) return;
    this.reconnecting = true;
    this.active = undefined;
    this.modelTurnOpen = false;
    this.transcriptModel.finishAll();
    this.setState('reconnecting');
    const attempts = this.options.reconnectAttempts ?? DEFAULT_RECONNECT_ATTEMPTS;
    const baseDelay = this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS;
    let lastError: LiveError | undefined;
    for (let attempt = 0; attempt < attempts && !this.disposed; attempt += 1) {
      if (attempt > 0) await delay(baseDelay * 2 ** (attempt - 1), this.abort.signal);
      if (this.disposed) return;
      try {
        const sdk = await this.loadSdk();
        const credential = await this.tokens.next(this.options.model, this.abort.signal);
        const conn = await this.openConnection(sdk, credential);
        if (this.disposed) {
          this.closeConnection(conn);
          return;
        }
        this.reconnecting = false;
        this.activate(conn);
        return;
      } catch (error) {
        lastError = toLiveError(error);
        if (!lastError.detail.recoverable) break;
      }
    }
    this.reconnecting = false;
    if (this.disposed) return;
    const why = lastError ? ` Last attempt: ${lastError.message}` : '';
    this.fail(
      lastError && !lastError.detail.recoverable
        ? lastError
        : new LiveError('connection-lost', `The connection was lost (code ${code}${reason ? `: ${reason}` : ''}) and could not be restored.${why}`, true),
    );
  }

  /** goAway: open the successor now, while the old connection still works, and switch over without a gap. */
  private beginHandover(conn: Connection, timeLeftMs: number): void {
    if (conn !== this.active || conn.goingAway || this.disposed) return;
    conn.goingAway = true;
    this.handingOver = true;
    const attempt = async (triesLeft: number): Promise<void> => {
      try {
        const sdk = await this.loadSdk();
        const credential = await this.tokens.next(this.options.model, this.abort.signal);
        const successor = await this.openConnection(sdk, credential);
        if (this.disposed) {
          this.closeConnection(successor);
          return;
        }
        this.handingOver = false;
        this.reconnecting = false;
        // The old connection finishes the turn it is speaking, then closes; new input goes to the successor.
        if (!conn.closed) {
          if (this.modelTurnOpen) conn.retireAfterTurn = true;
          else this.closeConnection(conn);
        }
        this.activate(successor);
      } catch (error) {
        const liveError = toLiveError(error);
        if (this.disposed) return;
        if (liveError.detail.recoverable && triesLeft > 1) {
          await delay(this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS, this.abort.signal);
          return attempt(triesLeft - 1);
        }
        this.handingOver = false;
        if (conn.closed) void this.reconnect(conn.closeCode ?? 1006, conn.closeReason ?? '');
        else this.fail(liveError);
      }
    };
    // The old connection is closed by the server when its time is up; close it ourselves a little later.
    conn.timers.push(window.setTimeout(() => conn.retireAfterTurn && this.closeConnection(conn), timeLeftMs + 1000));
    void attempt(this.options.reconnectAttempts ?? DEFAULT_RECONNECT_ATTEMPTS);
  }

  private closeConnection(conn: Connection): void {
    conn.closedByUs = true;
    for (const timer of conn.timers) clearTimeout(timer);
    this.connections.delete(conn);
    if (this.active === conn) this.active = undefined;
    // Our own close first, with a normal code (the SDK's close() sends none).
    for (const socket of conn.sockets.sockets) socket.close(1000, 'client closed');
    try {
      if (conn.session) conn.session.close();
    } catch {
      // Already closed.
    }
  }

  // --- state ---------------------------------------------------------------------------------------------------

  private updateActivityState(): void {
    if (this.disposed || this.current === 'error') return;
    if (this.reconnecting || (this.handingOver && !this.active)) {
      this.setState('reconnecting');
      return;
    }
    if (!this.active) return;
    const speaking = this.engine?.playing || (this.options.responseModality === 'text' && this.modelTurnOpen);
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
    this.disposed = true;
    this.context.removeEventListener('statechange', this.onContextStateChange);
    this.disarmGestureResume();
    this.abort.abort();
    this.dispatcher.dispose();
    this.transcriptModel.finishAll();
    for (const conn of [...this.connections]) this.closeConnection(conn);
    this.active = undefined;
    this.backlog.clear();
    this.video?.dispose();
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await engine.dispose().catch(() => undefined);
    if (this.context.state !== 'closed') await this.context.close().catch(() => undefined);
  }
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
