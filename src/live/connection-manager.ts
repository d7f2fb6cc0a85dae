import type { LiveServerMessage } from '@google/genai';
import type { LiveSessionOptions } from './live-session-options.js';
import type { DroppedFrame } from '../pipeline/frames.js';
import type { VoiceQueued } from '../pipeline/messages.js';
import type { PageSocketFactory, SocketListener } from '../pipeline/sdk-sockets.js';
import type { OutboxTarget } from './client-outbox.js';
import type { ResumptionStore } from './resumption-store.js';
import type { Credential, TokenSource } from './token-source.js';
import { buildLiveConfig } from './config.js';
import { Connection } from './connection.js';
import { LiveError, classifyClose, setupCloseError, toLiveError } from './errors.js';
import { errorMessage } from '../shared/error-message.js';

type Sdk = typeof import('./sdk-live.js');

const DEFAULT_SETUP_TIMEOUT_MS = 15_000;
const DEFAULT_RECONNECT_ATTEMPTS = 5;
const DEFAULT_RECONNECT_DELAY_MS = 300;

/** What the connection manager reports to the session. */
export interface ConnectionEvents {
  onMessage(from: Connection, message: LiveServerMessage): void;
  onDroppedFrame(frame: DroppedFrame): void;
  /**
   * The pipeline queued voice from `from` on the playback worklet; `counts`: `from` still counts (see
   * {@link ConnectionManager.counts}), so the voice belongs to the conversation.
   */
  onVoice(from: Connection, queued: VoiceQueued, counts: boolean): void;
  /** The next message from `from` interrupted the model: the pipeline flushed the voice, starting turn `turn`. */
  onFlushed(from: Connection, turn: number): void;
  /** `conn` is now the one input goes to. */
  onActivate(conn: Connection): void;
  /** The current connection dropped; a new one is being opened. */
  onLost(): void;
  /** Reconnecting or handing over started or ended. */
  onRecovering(): void;
  /** The conversation cannot go on. */
  onFail(error: LiveError): void;
  /** The model is speaking on the current connection (a handover lets it finish). */
  modelTurnOpen(): boolean;
  /** The SDK's WebSocket factory for a new connection, with its sockets in the session's pipeline. */
  socketFactory(listener: SocketListener): PageSocketFactory;
}

const stopped = () => new LiveError('connection-failed', 'Stopped.', true);

/**
 * The session's connections over time: the first one, the goAway handover to a successor, and reconnection
 * after a drop, each opened the same way ({@link openFresh}: a fresh token, a connection, and a check that the
 * session was not disposed meanwhile). Keeps the resumption handle every new connection resumes with.
 */
export class ConnectionManager {
  private sdk?: Sdk;
  private current?: Connection;
  private readonly connections = new Set<Connection>();
  private handle?: string;
  private reconnecting = false;
  private handingOver = false;

  constructor(
    private readonly options: LiveSessionOptions,
    private readonly tokens: TokenSource,
    private readonly signal: AbortSignal,
    private readonly events: ConnectionEvents,
    private readonly store?: ResumptionStore,
  ) {
    this.handle = store?.load();
  }

  /** The resumption handle the next connection would use. */
  get resumptionHandle(): string | undefined {
    return this.handle;
  }

  /** The connection input goes to, if any. */
  get active(): Connection | undefined {
    return this.current;
  }

  /** Between connections: a reconnect, or a handover whose old connection is gone already. */
  get recovering(): boolean {
    return this.reconnecting || (this.handingOver && !this.current);
  }

  /** The current connection while it can take input (not between connections). */
  target(): OutboxTarget | undefined {
    const session = this.reconnecting ? undefined : this.current?.writable;
    return session && this.current ? { session, bufferedAmount: this.current.socketFactory.bufferedAmount } : undefined;
  }

  /** Every message of `from` still counts (the session is running and `from` is not closed by us). */
  counts(from: Connection): boolean {
    return !this.signal.aborted && this.connections.has(from);
  }

  /** Keeps a new resumption handle for the next connection (and the next page load, with `resume`). */
  saveHandle(handle: string): void {
    this.handle = handle;
    this.store?.save(handle);
  }

  /**
   * Opens the first connection while `alongside` (the microphone) starts, then makes it current. A stored
   * resumption handle may have expired (the service refuses it): then the conversation starts afresh instead of
   * failing every time until the tab is closed.
   */
  async start(alongside: Promise<void>): Promise<void> {
    const first = this.openFresh().catch((error: unknown) => {
      const refusedHandle =
        this.handle && error instanceof LiveError && (error.detail.code === 'server-closed' || error.detail.code === 'model-not-found');
      if (!refusedHandle || this.signal.aborted) throw error;
      this.handle = undefined;
      this.store?.clear();
      return this.openFresh();
    });
    // If one half fails, the other may still succeed later: make sure it is released.
    first.catch(() => undefined);
    alongside.catch(() => undefined);
    let [conn] = await Promise.all([first, alongside]).catch(async (error: unknown) => {
      (await first.catch(() => undefined))?.close();
      throw error;
    });
    // The connection may have closed while the microphone prompt was still open: connect again (with the
    // handle, if the service gave one) rather than activate a dead socket.
    for (let attempt = 0; conn.closed && attempt < 2; attempt += 1) conn = await this.openFresh();
    if (this.signal.aborted) {
      this.close(conn);
      throw new LiveError('connection-failed', 'The session was stopped while starting.', true);
    }
    if (conn.closed) throw new LiveError('connection-failed', 'The connection closed right after it was set up.', true);
    this.activate(conn);
  }

  /** Closes every connection (the session ends). */
  closeAll(): void {
    for (const conn of [...this.connections]) this.close(conn);
    this.current = undefined;
  }

  /** The model finished its turn on `from`: a connection handed over closes now. */
  turnComplete(from: Connection): void {
    if (from.retireAfterTurn) this.close(from);
  }

  /** goAway: open the successor now, while the old connection still works, and switch over without a gap. */
  beginHandover(conn: Connection, timeLeftMs: number): void {
    if (conn !== this.current || conn.goingAway || this.signal.aborted) return;
    conn.goingAway = true;
    this.handingOver = true;
    const attempt = async (triesLeft: number): Promise<void> => {
      try {
        const successor = await this.openFresh();
        this.handingOver = false;
        this.reconnecting = false;
        // The old connection finishes the turn it is speaking, then closes; new input goes to the successor.
        if (!conn.closed) {
          if (this.events.modelTurnOpen()) conn.retireAfterTurn = true;
          else this.close(conn);
        }
        this.activate(successor);
      } catch (error) {
        if (this.signal.aborted) return;
        const liveError = toLiveError(error);
        if (liveError.detail.recoverable && triesLeft > 1) {
          await delay(this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS, this.signal);
          return attempt(triesLeft - 1);
        }
        this.handingOver = false;
        if (conn.closed) void this.reconnect(conn.closeCode ?? 1006, conn.closeReason ?? '');
        else this.events.onFail(liveError);
      }
    };
    // The old connection is closed by the server when its time is up; close it ourselves a little later.
    conn.later(timeLeftMs + 1000, () => conn.retireAfterTurn && this.close(conn));
    void attempt(this.options.reconnectAttempts ?? DEFAULT_RECONNECT_ATTEMPTS);
  }

  /** A fresh token, a new connection set up with the newest handle, and a check that the session still runs. */
  private async openFresh(): Promise<Connection> {
    const [sdk, credential] = await Promise.all([this.loadSdk(), this.tokens.next(this.options.model, this.signal)]);
    const conn = await this.open(sdk, credential);
    if (this.signal.aborted) {
      this.close(conn);
      throw stopped();
    }
    return conn;
  }

  private activate(conn: Connection): void {
    this.current = conn;
    this.events.onActivate(conn);
  }

  private close(conn: Connection): void {
    this.connections.delete(conn);
    if (this.current === conn) this.current = undefined;
    conn.close();
  }

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
  private async open(sdk: Sdk, credential: Credential): Promise<Connection> {
    if (this.signal.aborted) throw stopped();
    const conn = new Connection(
      this.events.socketFactory({
        dropped: (frame) => this.events.onDroppedFrame(frame),
        // The pipeline queued this voice whether or not the connection still counts: the engine hears of it either way.
        voice: (queued) => this.events.onVoice(conn, queued, this.counts(conn)),
        flushed: (turn) => this.counts(conn) && this.events.onFlushed(conn, turn),
      }),
    );
    this.connections.add(conn);

    const live = sdk.createLive(
      { apiKey: credential.value, baseUrl: this.baseUrl(), apiVersion: this.apiVersionFor(credential) },
      conn.socketFactory,
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
      onAbort = () => reject(stopped());
      if (this.signal.aborted) onAbort();
      else this.signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    const connecting = live.connect({
      model: this.options.model,
      config,
      callbacks: {
        onmessage: (message: LiveServerMessage) => {
          if (this.counts(conn)) this.events.onMessage(conn, message);
        },
        onerror: () => undefined,
        onclose: (event: CloseEvent) => this.onClosed(conn, event),
      },
    });
    try {
      conn.session = await Promise.race([connecting, timeout, aborted]);
      conn.ready = true;
      return conn;
    } catch (error) {
      connecting.catch(() => undefined);
      this.close(conn);
      if (error instanceof LiveError) throw error;
      if (conn.closeCode !== undefined) throw setupCloseError(conn.closeCode, conn.closeReason ?? '');
      throw new LiveError('connection-failed', `Could not connect: ${errorMessage(error)}`, true, { cause: error });
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onAbort);
    }
  }

  private onClosed(conn: Connection, event: CloseEvent): void {
    conn.markClosed(event);
    this.connections.delete(conn);
    if (this.signal.aborted || conn.closedByUs || !conn.ready || conn !== this.current) return;
    if (this.handingOver) {
      // The successor is on its way; until it is up, audio waits in the backlog.
      this.events.onRecovering();
      return;
    }
    const code = event?.code ?? 1006;
    // The end of a connection's life (or any close after goAway) resumes like a drop; refusals and quota end it.
    const verdict = classifyClose(code, event?.reason ?? '', { afterGoAway: conn.goingAway });
    if (verdict.action === 'fail') {
      this.events.onFail(verdict.error);
      return;
    }
    void this.reconnect(code, event?.reason ?? '');
  }

  /** The connection dropped: reconnect with the newest handle and a fresh token, with back-off. */
  private async reconnect(code: number, reason: string): Promise<void> {
    if (this.reconnecting || this.signal.aborted) return;
    this.reconnecting = true;
    this.current = undefined;
    this.events.onLost();
    const attempts = this.options.reconnectAttempts ?? DEFAULT_RECONNECT_ATTEMPTS;
    const baseDelay = this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS;
    let lastError: LiveError | undefined;
    for (let attempt = 0; attempt < attempts && !this.signal.aborted; attempt += 1) {
      if (attempt > 0) await delay(baseDelay * 2 ** (attempt - 1), this.signal);
      try {
        const conn = await this.openFresh();
        this.reconnecting = false;
        this.activate(conn);
        return;
      } catch (error) {
        lastError = toLiveError(error);
        if (!lastError.detail.recoverable) break;
      }
    }
    this.reconnecting = false;
    if (this.signal.aborted) return;
    const why = lastError ? ` Last attempt: ${lastError.message}` : '';
    this.events.onFail(
      lastError && !lastError.detail.recoverable
        ? lastError
        : new LiveError('connection-lost', `The connection was lost (code ${code}${reason ? `: ${reason}` : ''}) and could not be restored.${why}`, true),
    );
  }
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
