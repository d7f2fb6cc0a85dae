import type { RawData, WebSocket } from 'ws';
import { Valve, type FlowLimits } from './backpressure.js';
import { describeError, scrubCredentials, scrubSecrets } from './errors.js';
import { SetupGate, type Refusal } from './setup-gate.js';
import { closeToRelay, toBuffer, truncateReason } from './ws-frames.js';

type WsModule = typeof import('ws');

/** What every relay of one proxy shares: settings resolved once, and the proxy's credential sources. */
export interface RelayContext {
  readonly ws: WsModule;
  /** Node's `buffer.isUtf8`, loaded with ws. */
  readonly isUtf8: (data: Uint8Array) => boolean;
  readonly upstreamUrl: string;
  readonly headers: Record<string, string> | undefined;
  readonly maxPayload: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly flow: FlowLimits;
  /** The model every session uses, as a bare id; `undefined` lets the browser choose a plain id. */
  readonly forcedModel: string | undefined;
  getAccessToken(): Promise<string>;
  getProject(): Promise<string | undefined>;
  /** The upstream model name for a bare id under the given project. */
  modelName(modelId: string, projectId: string | undefined): string;
  report(error: Error): void;
}

/**
 * Where the upstream connection stands. `abandoned` means the proxy aborted it itself, so its resulting error
 * is not worth reporting; `closed` follows a close from either side once it was open.
 */
type UpstreamPhase = 'credentials' | 'connecting' | 'open' | 'failed' | 'abandoned' | 'closed';

interface HeldFrame {
  data: Buffer;
  isBinary: boolean;
  /** Set on the setup, which is encoded once the project is known. */
  setup?: { message: { setup: Record<string, unknown> }; modelId: string };
}

/** Leaves ws's mask buffer as it is (zero), which ws takes as "do not mask". */
function leaveMaskZero(): void {}

/** How long a peer that is sent a close but does not answer it keeps its socket. */
const CLOSE_GRACE_MS = 1000;
const RESTART_REASON = 'Service restart';
/**
 * A draining session is closed once Vertex AI has sent nothing for this long: the model's answer so far has
 * arrived (it streams faster than it plays), and so has the resumption handle that follows a turn.
 */
export const DRAIN_QUIET_MS = 250;

/**
 * One browser session relayed to Vertex AI: obtains the access token, opens the upstream socket, holds the
 * browser's frames until it is open, then relays frames and closes both ways. Every browser frame passes the
 * {@link SetupGate}; each direction has its own {@link Valve}. Never throws; failures go to `report` with
 * credentials scrubbed.
 */
export class VertexRelay {
  /** Settles once the browser connection has closed. */
  readonly closed: Promise<void>;

  private phase: UpstreamPhase = 'credentials';
  private upstream: WebSocket | undefined;
  private clientClosed = false;
  /** Frames received before the upstream opened, in order. */
  private readonly held: HeldFrame[] = [];
  private heldBytes = 0;
  private credentials: { token: string; projectId: string | undefined } | undefined;
  private readonly gate: SetupGate;
  private readonly toUpstream: Valve;
  private readonly toClient: Valve;
  private lastActivity = Date.now();
  /** Frames received from Vertex AI: a drain waits for this to stand still. */
  private upstreamFrames = 0;
  /** Set once a drain has sent the browser its 1012: what it sent before reading that still goes upstream. */
  private draining = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private resolveClosed!: () => void;

  constructor(
    private readonly context: RelayContext,
    private readonly client: WebSocket,
  ) {
    this.closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));
    this.gate = new SetupGate(context.forcedModel, context.isUtf8);
    this.toUpstream = new Valve(
      () => this.client,
      () => this.upstream,
      context.flow,
      () => this.stop(1013, 'Vertex AI is not accepting data; try again later', 'Vertex AI stopped reading'),
    );
    this.toClient = new Valve(
      () => this.upstream,
      () => this.client,
      context.flow,
      () => this.stop(1008, 'Not reading fast enough', 'the browser stopped reading'),
    );
    client.on('error', (error) => this.fail('browser connection error', error));
    client.on('message', (raw: RawData, isBinary: boolean) => this.onClientMessage(toBuffer(raw), isBinary));
    client.on('close', (code: number, reason: Buffer) => this.onClientClose(code, reason));
    this.after(context.connectTimeoutMs, () => this.onConnectTimeout());
    this.after(context.idleTimeoutMs, () => this.onIdleCheck());
    void this.connect();
  }

  /**
   * Ends the session for a rolling restart, losing nothing: once Vertex AI has been quiet for
   * {@link DRAIN_QUIET_MS}, the browser is sent 1012 ("Service restart") behind everything already forwarded to
   * it, and what the browser sent before it read that close still goes upstream, whose connection closes only
   * after the browser's. The element then resumes through another instance with its newest handle. A session
   * still being set up is closed at once: it has nothing to lose.
   */
  drain(): void {
    if (this.clientClosed || this.draining) return;
    if (this.phase !== 'open') {
      this.closeClient(1012, RESTART_REASON);
      this.abandonUpstream();
      return;
    }
    let seen = this.upstreamFrames;
    const check = () => {
      if (this.clientClosed || this.draining) return;
      if (this.upstreamFrames === seen) this.restartNow();
      else {
        seen = this.upstreamFrames;
        this.after(DRAIN_QUIET_MS, check);
      }
    };
    this.after(DRAIN_QUIET_MS, check);
  }

  /** Sends the browser its 1012 now, quiet or not: the end of a drain's time. */
  restartNow(): void {
    if (this.clientClosed || this.draining) return;
    if (this.phase !== 'open') {
      this.drain();
      return;
    }
    this.draining = true;
    this.closeClient(1012, RESTART_REASON);
  }

  /** Closes both sides with 1001 ("going away"). */
  shutDown(): void {
    this.closeClient(1001, 'Proxy shutting down');
    if (this.phase === 'open') this.upstream!.close(1001, 'Proxy shutting down');
    else this.abandonUpstream();
  }

  private get open(): number {
    return this.context.ws.WebSocket.OPEN;
  }

  private async connect(): Promise<void> {
    let token: string;
    let projectId: string | undefined;
    try {
      [token, projectId] = await Promise.all([this.context.getAccessToken(), this.context.getProject()]);
    } catch (error) {
      this.phase = 'failed';
      this.fail('obtaining Google Cloud credentials failed', error);
      this.closeClient(1011, 'Upstream authentication failed');
      return;
    }
    this.credentials = { token, projectId };
    if (this.clientClosed || this.client.readyState !== this.open || this.phase !== 'credentials') return;
    const { ws, upstreamUrl, headers, maxPayload, connectTimeoutMs } = this.context;
    const socket = new ws.WebSocket(upstreamUrl, {
      headers: { ...headers, Authorization: `Bearer ${token}` },
      maxPayload,
      perMessageDeflate: false,
      handshakeTimeout: connectTimeoutMs,
      // Masking guards plain-text intermediaries from forged requests; inside TLS there are none to guard, and
      // an all-zero mask lets ws skip it: a tenth of the proxy's CPU went to masking every frame to Vertex AI.
      generateMask: upstreamUrl.startsWith('wss:') ? leaveMaskZero : undefined,
    });
    this.upstream = socket;
    this.phase = 'connecting';
    socket.on('open', () => this.onUpstreamOpen());
    socket.on('message', (raw: RawData, isBinary: boolean) => this.onUpstreamMessage(toBuffer(raw), isBinary));
    socket.on('error', (error) => this.onUpstreamError(error));
    socket.on('close', (code: number, reason: Buffer) => this.onUpstreamClose(code, reason));
  }

  private onClientMessage(data: Buffer, isBinary: boolean): void {
    if (this.clientClosed) return;
    // While a drain's close is on its way, the browser's frames are still what it meant to send.
    if (this.client.readyState !== this.open && !(this.draining && this.phase === 'open')) return;
    this.lastActivity = Date.now();
    const decision = this.gate.inspect(data);
    if (decision.kind === 'refuse') {
      this.refuse(decision.refusal);
      return;
    }
    const frame: HeldFrame = decision.kind === 'setup' ? { data, isBinary, setup: decision } : { data, isBinary };
    if (this.phase === 'open' && this.held.length === 0) {
      this.sendUpstream(frame);
      return;
    }
    this.held.push(frame);
    this.heldBytes += data.byteLength;
    if (this.heldBytes > this.context.maxPayload) {
      this.fail('too much data buffered before Vertex AI answered');
      this.closeClient(1009, 'Too much data before the session was ready');
      this.abandonUpstream();
    }
  }

  private onClientClose(code: number, reason: Buffer): void {
    this.clientClosed = true;
    this.dispose();
    this.resolveClosed();
    if (this.phase === 'open') {
      const relay = closeToRelay(code);
      if (relay.kind === 'no-status') this.upstream!.close();
      else this.upstream!.close(relay.kind === 'code' ? relay.code : 1001, truncateReason(reason.toString('utf8')));
    } else if (this.phase === 'connecting' || this.phase === 'credentials') {
      this.abandonUpstream();
    }
  }

  private onConnectTimeout(): void {
    if (this.phase === 'open' || this.clientClosed) return;
    this.fail('timed out connecting to Vertex AI');
    this.closeClient(1011, 'Upstream connection timed out');
    this.abandonUpstream();
  }

  private onIdleCheck(): void {
    if (this.clientClosed) return;
    const idleFor = Date.now() - this.lastActivity;
    if (idleFor < this.context.idleTimeoutMs) {
      this.after(this.context.idleTimeoutMs - idleFor, () => this.onIdleCheck());
      return;
    }
    this.stop(1001, 'Idle for too long', 'idle for too long');
  }

  private onUpstreamOpen(): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'open';
    for (const frame of this.held.splice(0)) this.sendUpstream(frame);
    this.heldBytes = 0;
  }

  private onUpstreamMessage(data: Buffer, isBinary: boolean): void {
    this.upstreamFrames++;
    if (this.client.readyState !== this.open) return;
    this.lastActivity = Date.now();
    this.client.send(data, { binary: isBinary }, (error) => {
      if (error) this.fail('sending to the browser failed', error);
    });
    this.toClient.afterSend();
  }

  private onUpstreamError(error: Error): void {
    if (this.phase === 'abandoned') return;
    this.fail(this.phase === 'open' || this.phase === 'closed' ? 'Vertex AI connection error' : 'connecting to Vertex AI failed', error);
  }

  private onUpstreamClose(code: number, reason: Buffer): void {
    const wasOpen = this.phase === 'open';
    if (this.phase !== 'abandoned') this.phase = wasOpen ? 'closed' : 'failed';
    if (!wasOpen) {
      this.closeClient(1011, 'Upstream connection failed');
      return;
    }
    const relay = closeToRelay(code);
    if (relay.kind === 'no-status') this.closeClient(undefined, '');
    else if (relay.kind === 'code') this.closeClient(relay.code, this.scrubbed(reason.toString('utf8')));
    else this.closeClient(1011, 'Upstream connection lost');
  }

  private sendUpstream(frame: HeldFrame): void {
    const payload = frame.setup ? this.encodeSetup(frame.setup) : frame.data;
    this.upstream!.send(payload, { binary: frame.isBinary }, (error) => {
      if (error) this.fail('sending to Vertex AI failed', error);
    });
    this.toUpstream.afterSend();
  }

  private encodeSetup({ message, modelId }: NonNullable<HeldFrame['setup']>): Buffer {
    message.setup.model = this.context.modelName(modelId, this.credentials?.projectId);
    return Buffer.from(JSON.stringify(message), 'utf8');
  }

  /** Answers a frame the gate refused: the browser learns why, nothing more goes upstream. */
  private refuse(refusal: Refusal): void {
    this.held.length = 0;
    this.heldBytes = 0;
    this.closeClient(refusal.code, refusal.reason);
    if (this.phase === 'open') this.upstream!.close(1000, 'Client closed');
    else this.abandonUpstream();
  }

  /** Ends the session from the proxy's side, reporting why. */
  private stop(code: number, reason: string, cause: string): void {
    this.fail(`closing the session: ${cause}`);
    this.closeClient(code, reason);
    this.abandonUpstream();
  }

  private closeClient(code: number | undefined, reason: string): void {
    const { client } = this;
    if (client.readyState === this.open) {
      if (code === undefined) client.close();
      else client.close(code, truncateReason(reason));
      // A browser that does not read will never answer the close.
      this.after(CLOSE_GRACE_MS, () => client.terminate());
    } else if (client.readyState === this.context.ws.WebSocket.CONNECTING) {
      client.terminate();
    }
  }

  private abandonUpstream(): void {
    if (this.phase === 'credentials' || this.phase === 'connecting' || this.phase === 'open') this.phase = 'abandoned';
    this.upstream?.terminate();
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  private dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.toUpstream.dispose();
    this.toClient.dispose();
  }

  private scrubbed(text: string): string {
    return scrubCredentials(scrubSecrets(text, [this.credentials?.token]));
  }

  private fail(message: string, error?: unknown): void {
    const detail = error === undefined ? message : `${message}: ${describeError(error)}`;
    this.context.report(new Error(this.scrubbed(`gemini-live/server (vertex proxy): ${detail}`)));
  }
}
