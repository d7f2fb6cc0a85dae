import type { RawData, WebSocket } from 'ws';
import { describeError, scrubSecrets } from './errors.js';
import { closeToRelay, toBuffer, truncateReason } from './ws-frames.js';

type WsModule = typeof import('ws');

/** What every relay of one proxy shares: settings resolved once, and the proxy's credential sources. */
export interface RelayContext {
  readonly ws: WsModule;
  readonly upstreamUrl: string;
  readonly headers: Record<string, string> | undefined;
  readonly maxPayload: number;
  readonly connectTimeoutMs: number;
  getAccessToken(): Promise<string>;
  getProject(): Promise<string | undefined>;
  /** Rewrites the model of a `setup` message for the given project; anything else comes back untouched. */
  rewriteSetup(data: Buffer, projectId: string | undefined): Buffer;
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
}

/**
 * One browser session relayed to Vertex AI: obtains the access token, opens the upstream socket, holds the
 * browser's frames until it is open (the first one, the setup, rewritten), then relays frames and closes both
 * ways. Never throws; failures go to `report` with credentials scrubbed.
 */
export class VertexRelay {
  /** Settles once the browser connection has closed. */
  readonly closed: Promise<void>;

  private phase: UpstreamPhase = 'credentials';
  private upstream: WebSocket | undefined;
  private clientClosed = false;
  private setupSent = false;
  /** Frames received before the upstream opened, in order. */
  private readonly held: HeldFrame[] = [];
  private heldBytes = 0;
  private credentials: { token: string; projectId: string | undefined } | undefined;
  private readonly connectTimer: ReturnType<typeof setTimeout>;
  private resolveClosed!: () => void;

  constructor(
    private readonly context: RelayContext,
    private readonly client: WebSocket,
  ) {
    this.closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));
    client.on('error', (error) => this.fail('browser connection error', error));
    client.on('message', (raw: RawData, isBinary: boolean) => this.onClientMessage(toBuffer(raw), isBinary));
    client.on('close', (code: number, reason: Buffer) => this.onClientClose(code, reason));
    this.connectTimer = setTimeout(() => this.onConnectTimeout(), context.connectTimeoutMs);
    this.connectTimer.unref?.();
    void this.connect();
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
      clearTimeout(this.connectTimer);
      this.phase = 'failed';
      this.fail('obtaining Google Cloud credentials failed', error);
      this.closeClient(1011, 'Upstream authentication failed');
      return;
    }
    this.credentials = { token, projectId };
    if (this.clientClosed || this.client.readyState !== this.open) return;
    const { ws, upstreamUrl, headers, maxPayload, connectTimeoutMs } = this.context;
    const socket = new ws.WebSocket(upstreamUrl, {
      headers: { ...headers, Authorization: `Bearer ${token}` },
      maxPayload,
      perMessageDeflate: false,
      handshakeTimeout: connectTimeoutMs,
    });
    this.upstream = socket;
    this.phase = 'connecting';
    socket.on('open', () => this.onUpstreamOpen());
    socket.on('message', (raw: RawData, isBinary: boolean) => this.onUpstreamMessage(toBuffer(raw), isBinary));
    socket.on('error', (error) => this.onUpstreamError(error));
    socket.on('close', (code: number, reason: Buffer) => this.onUpstreamClose(code, reason));
  }

  private onClientMessage(data: Buffer, isBinary: boolean): void {
    if (this.phase === 'open' && this.held.length === 0) {
      this.sendUpstream(data, isBinary);
      return;
    }
    this.held.push({ data, isBinary });
    this.heldBytes += data.byteLength;
    if (this.heldBytes > this.context.maxPayload) {
      this.fail('too much data buffered before Vertex AI answered');
      this.closeClient(1009, 'Too much data before the session was ready');
      this.abandonUpstream();
    }
  }

  private onClientClose(code: number, reason: Buffer): void {
    this.clientClosed = true;
    this.resolveClosed();
    if (this.phase === 'open') {
      const relay = closeToRelay(code);
      if (relay.kind === 'no-status') this.upstream!.close();
      else this.upstream!.close(relay.kind === 'code' ? relay.code : 1001, truncateReason(reason.toString('utf8')));
    } else if (this.phase === 'connecting') {
      this.abandonUpstream();
    }
  }

  private onConnectTimeout(): void {
    if (this.phase === 'open' || this.clientClosed) return;
    this.fail('timed out connecting to Vertex AI');
    this.closeClient(1011, 'Upstream connection timed out');
    this.abandonUpstream();
  }

  private onUpstreamOpen(): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'open';
    clearTimeout(this.connectTimer);
    for (const frame of this.held.splice(0)) this.sendUpstream(frame.data, frame.isBinary);
    this.heldBytes = 0;
  }

  private onUpstreamMessage(data: Buffer, isBinary: boolean): void {
    if (this.client.readyState !== this.open) return;
    this.client.send(data, { binary: isBinary }, (error) => {
      if (error) this.fail('sending to the browser failed', error);
    });
  }

  private onUpstreamError(error: Error): void {
    if (this.phase === 'abandoned') return;
    this.fail(this.phase === 'open' || this.phase === 'closed' ? 'Vertex AI connection error' : 'connecting to Vertex AI failed', error);
  }

  private onUpstreamClose(code: number, reason: Buffer): void {
    clearTimeout(this.connectTimer);
    const wasOpen = this.phase === 'open';
    if (this.phase !== 'abandoned') this.phase = wasOpen ? 'closed' : 'failed';
    if (!wasOpen) {
      this.closeClient(1011, 'Upstream connection failed');
      return;
    }
    const relay = closeToRelay(code);
    if (relay.kind === 'no-status') this.closeClient(undefined, '');
    else if (relay.kind === 'code') this.closeClient(relay.code, reason.toString('utf8'));
    else this.closeClient(1011, 'Upstream connection lost');
  }

  private sendUpstream(data: Buffer, isBinary: boolean): void {
    let payload = data;
    if (!this.setupSent) {
      this.setupSent = true;
      payload = this.context.rewriteSetup(data, this.credentials?.projectId);
    }
    this.upstream!.send(payload, { binary: isBinary }, (error) => {
      if (error) this.fail('sending to Vertex AI failed', error);
    });
  }

  private closeClient(code: number | undefined, reason: string): void {
    const { client } = this;
    if (client.readyState === this.open) {
      if (code === undefined) client.close();
      else client.close(code, truncateReason(reason));
    } else if (client.readyState === this.context.ws.WebSocket.CONNECTING) {
      client.terminate();
    }
  }

  private abandonUpstream(): void {
    if (this.phase === 'credentials' || this.phase === 'connecting' || this.phase === 'open') this.phase = 'abandoned';
    this.upstream?.terminate();
  }

  private fail(message: string, error?: unknown): void {
    const detail = error === undefined ? message : `${message}: ${describeError(error)}`;
    this.context.report(
      new Error(scrubSecrets(`gemini-live/server (vertex proxy): ${detail}`, [this.credentials?.token])),
    );
  }
}
