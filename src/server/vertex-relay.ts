import type { Duplex } from 'node:stream';
import { Valve, type FlowLimits } from './backpressure.js';
import { describeError, scrubCredentials, scrubSecrets } from './errors.js';
import { SetupGate, type Refusal } from './setup-gate.js';
import { BINARY, CLOSE, CONTINUATION, TEXT, closeToRelay, type Frame, type FrameError } from './ws-frames.js';
import { keepable, keptCost, MessageAssembler, type WholeMessage } from './ws-messages.js';
import { connectUpstream, type HandshakeApis } from './ws-handshake.js';
import { WsPeer, type PeerApis } from './ws-peer.js';

/** What every relay of one proxy shares: settings resolved once, Node's APIs and the credential sources. */
export interface RelayContext {
  readonly apis: PeerApis & HandshakeApis;
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

/** One browser message that passed the gate: its frames as received (none for a held setup), or the setup. */
interface Message {
  frames: Buffer[];
  /** Set on the setup, which is encoded once the project is known, with the opcode it came in. */
  setup?: { message: { setup: Record<string, unknown> }; modelId: string; opcode: number };
}

const RESTART_REASON = 'Service restart';
/**
 * A draining session is closed once Vertex AI has sent nothing for this long: the model's answer so far has
 * arrived (it streams faster than it plays), and so has the resumption handle that follows a turn.
 */
export const DRAIN_QUIET_MS = 250;

/**
 * One browser session relayed to Vertex AI: obtains the access token, opens the upstream socket, holds the
 * browser's messages until it is open, then relays frames and closes both ways. Frames go on exactly as they
 * arrived, whole and in order (a browser's masked frame is a valid frame from the proxy too, with the browser's
 * masking key): the relay reads their headers, and unmasks a browser's message only for the {@link SetupGate},
 * which every one passes. Each direction has its own {@link Valve}. Never throws; failures go to `report` with
 * credentials scrubbed.
 */
export class VertexRelay {
  /** Settles once the browser connection has closed. */
  readonly closed: Promise<void>;

  private phase: UpstreamPhase = 'credentials';
  private readonly client: WsPeer;
  private upstream: WsPeer | undefined;
  private abortConnect: (() => void) | undefined;
  /** Messages received before the upstream opened, in order. */
  private readonly held: Message[] = [];
  private heldBytes = 0;
  private readonly messages: MessageAssembler;
  private credentials: { token: string; projectId: string | undefined } | undefined;
  private readonly gate: SetupGate;
  private readonly toUpstream: Valve;
  private readonly toClient: Valve;
  private lastActivity = Date.now();
  /** Frames received from Vertex AI: a drain waits for this to stand still. */
  private upstreamFrames = 0;
  /** The size of the message Vertex AI is sending, over its fragments so far. */
  private upstreamMessageBytes = 0;
  /** Set once a drain has sent the browser its 1012: what it sent before reading that still goes upstream. */
  private draining = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private resolveClosed!: () => void;

  constructor(
    private readonly context: RelayContext,
    socket: Duplex,
    head: Buffer,
  ) {
    this.closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));
    this.gate = new SetupGate(context.forcedModel, context.apis.isUtf8);
    this.messages = new MessageAssembler(context.maxPayload);
    this.toUpstream = new Valve(
      () => this.client.socket,
      context.flow,
      () => this.stop(1013, 'Vertex AI is not accepting data; try again later', 'Vertex AI stopped reading'),
    );
    this.toClient = new Valve(
      () => this.upstream?.socket,
      context.flow,
      () => this.stop(1008, 'Not reading fast enough', 'the browser stopped reading'),
    );
    // Resets and broken pipes from browsers are routine; what they sent that broke the protocol is reported.
    socket.on('error', () => {});
    this.client = new WsPeer(socket, 'server', context.maxPayload, context.apis, {
      frame: (frame) => this.onClientFrame(frame),
      close: (code, reason) => this.onClientClose(code, reason),
      violation: (error) => this.onClientViolation(error),
      gone: () => this.onClientGone(),
    });
    this.after(context.connectTimeoutMs, () => this.onConnectTimeout());
    this.after(context.idleTimeoutMs, () => this.onIdleCheck());
    this.client.start(head);
    this.connect().catch((error: unknown) => {
      // Nothing in connect() should throw; if something does, the session ends rather than the process.
      this.phase = 'failed';
      this.fail('connecting to Vertex AI failed', error);
      this.client.close(1011, 'Upstream connection failed');
    });
  }

  /**
   * Ends the session for a rolling restart, losing nothing: once Vertex AI has been quiet for
   * {@link DRAIN_QUIET_MS}, the browser is sent 1012 ("Service restart") behind everything already forwarded to
   * it, and what the browser sent before it read that close still goes upstream, whose connection closes only
   * after the browser's. The element then resumes through another instance with its newest handle. A session
   * still being set up is closed at once: it has nothing to lose.
   */
  drain(): void {
    if (!this.client.writable || this.draining) return;
    if (this.phase !== 'open') {
      this.client.close(1012, RESTART_REASON);
      this.abandonUpstream();
      return;
    }
    let seen = this.upstreamFrames;
    const check = () => {
      if (!this.client.writable || this.draining) return;
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
    if (!this.client.writable || this.draining) return;
    if (this.phase !== 'open') {
      this.drain();
      return;
    }
    this.draining = true;
    this.client.close(1012, RESTART_REASON);
  }

  /** Closes both sides with 1001 ("going away"). */
  shutDown(): void {
    this.client.close(1001, 'Proxy shutting down');
    if (this.phase === 'open') this.upstream!.close(1001, 'Proxy shutting down');
    else this.abandonUpstream();
  }

  private async connect(): Promise<void> {
    let token: string;
    let projectId: string | undefined;
    try {
      [token, projectId] = await Promise.all([this.context.getAccessToken(), this.context.getProject()]);
    } catch (error) {
      this.phase = 'failed';
      this.fail('obtaining Google Cloud credentials failed', error);
      this.client.close(1011, 'Upstream authentication failed');
      return;
    }
    this.credentials = { token, projectId };
    if (!this.client.writable || this.phase !== 'credentials') return;
    this.phase = 'connecting';
    const { apis, upstreamUrl, headers } = this.context;
    // A token or header that cannot go in a request (a line break, say) throws here, and fails the session.
    this.abortConnect = connectUpstream(apis, upstreamUrl, { ...headers, Authorization: `Bearer ${token}` }, {
      open: (socket, head) => this.onUpstreamOpen(socket, head),
      fail: (error) => {
        if (this.phase !== 'connecting') return;
        this.phase = 'failed';
        this.fail('connecting to Vertex AI failed', error);
        this.client.close(1011, 'Upstream connection failed');
      },
    });
  }

  private onUpstreamOpen(socket: Duplex, head: Buffer): void {
    if (this.phase !== 'connecting') {
      socket.destroy();
      return;
    }
    socket.on('error', (error: Error) => {
      if (this.phase === 'open') this.fail('Vertex AI connection error', error);
    });
    this.upstream = new WsPeer(socket, 'client', this.context.maxPayload, this.context.apis, {
      frame: (frame) => this.onUpstreamFrame(frame),
      close: (code, reason) => this.onUpstreamClose(code, reason),
      violation: (error) => this.onUpstreamViolation(error),
      gone: () => this.onUpstreamGone(),
    });
    this.phase = 'open';
    for (const message of this.held.splice(0)) this.sendUpstream(message);
    this.heldBytes = 0;
    this.upstream.start(head);
  }

  private onClientFrame(frame: Frame): void {
    // While a drain's close is on its way, the browser's frames are still what it meant to send.
    if (!this.client.writable && !(this.draining && this.phase === 'open')) return;
    const { opcode } = frame;
    if (opcode !== TEXT && opcode !== BINARY && opcode !== CONTINUATION) {
      // Pings and pongs pass through once the upstream is open: the two ends answer each other.
      if (this.phase === 'open' && this.upstream!.writable) {
        this.upstream!.write(frame.raw);
        this.toUpstream.afterWrite(this.upstream!.socket);
      }
      return;
    }
    const message = this.messages.add(frame);
    if (message === undefined) return;
    if ('code' in message) this.client.fault(message);
    else this.onClientMessage(message);
  }

  private onClientMessage({ frames, payload, opcode }: WholeMessage): void {
    this.lastActivity = Date.now();
    const decision = this.gate.inspect(payload);
    if (decision.kind === 'refuse') {
      this.refuse(decision.refusal);
      return;
    }
    const setup = decision.kind === 'setup' ? { message: decision.message, modelId: decision.modelId, opcode } : undefined;
    if (this.phase === 'open' && this.held.length === 0) {
      this.sendUpstream({ frames, setup });
      return;
    }
    // A held setup is sent re-encoded, so its frames are not kept; they still count, as its parsed form is held.
    this.held.push({ frames: setup ? [] : frames.map(keepable), setup });
    for (const frame of frames) this.heldBytes += keptCost(frame);
    if (this.heldBytes > this.context.maxPayload) {
      this.fail('too much data buffered before Vertex AI answered');
      this.client.close(1009, 'Too much data before the session was ready');
      this.abandonUpstream();
    }
  }

  private onClientClose(code: number, reason: string): void {
    if (this.phase === 'open') {
      const relay = closeToRelay(code);
      if (relay.kind === 'code') this.upstream!.close(relay.code, reason);
      else this.upstream!.close(undefined, '');
    } else {
      this.abandonSetup();
    }
  }

  private onClientViolation(error: FrameError): void {
    this.fail(`browser connection error: ${error.reason}`);
    if (this.phase === 'open') this.upstream!.close(1001, '');
    else this.abandonSetup();
  }

  private onClientGone(): void {
    this.dispose();
    this.resolveClosed();
    // A browser gone without a close frame: upstream is told it went away.
    if (this.phase === 'open') this.upstream!.close(1001, '');
    else this.abandonSetup();
  }

  private onConnectTimeout(): void {
    if (this.phase === 'open' || !this.client.writable) return;
    this.fail('timed out connecting to Vertex AI');
    this.client.close(1011, 'Upstream connection timed out');
    this.abandonUpstream();
  }

  private onIdleCheck(): void {
    if (this.client.gone) return;
    const idleFor = Date.now() - this.lastActivity;
    if (idleFor < this.context.idleTimeoutMs) {
      this.after(this.context.idleTimeoutMs - idleFor, () => this.onIdleCheck());
      return;
    }
    this.stop(1001, 'Idle for too long', 'idle for too long');
  }

  private onUpstreamFrame(frame: Frame): void {
    this.upstreamFrames++;
    if (frame.opcode < CLOSE) {
      const size = frame.raw.length - frame.payloadOffset;
      this.upstreamMessageBytes = frame.opcode === CONTINUATION ? this.upstreamMessageBytes + size : size;
      if (this.upstreamMessageBytes > this.context.maxPayload) {
        this.upstream!.fault({ code: 1009, reason: 'Message too big' });
        return;
      }
    }
    if (!this.client.writable) return;
    this.lastActivity = Date.now();
    this.client.write(frame.raw);
    this.toClient.afterWrite(this.client.socket);
  }

  private onUpstreamClose(code: number, reason: string): void {
    if (this.phase === 'open') this.phase = 'closed';
    const relay = closeToRelay(code);
    if (relay.kind === 'code') this.client.close(relay.code, this.scrubbed(reason));
    else this.client.close(undefined, '');
  }

  private onUpstreamViolation(error: FrameError): void {
    if (this.phase === 'open') this.phase = 'closed';
    this.fail(`Vertex AI connection error: ${error.reason}`);
    this.client.close(1011, 'Upstream connection lost');
  }

  private onUpstreamGone(): void {
    if (this.phase === 'open') this.phase = 'closed';
    this.client.close(1011, 'Upstream connection lost');
  }

  private sendUpstream(message: Message): void {
    const upstream = this.upstream!;
    if (!upstream.writable) return;
    if (message.setup) {
      let setup: Buffer;
      try {
        setup = this.encodeSetup(message.setup);
      } catch {
        // The gate serialised this setup once; a deeper stack here could still run out.
        this.refuse({ code: 1007, reason: 'The setup is nested too deeply' });
        return;
      }
      upstream.send(message.setup.opcode, setup);
    } else for (const frame of message.frames) upstream.write(frame);
    this.toUpstream.afterWrite(upstream.socket);
  }

  private encodeSetup({ message, modelId }: NonNullable<Message['setup']>): Buffer {
    message.setup.model = this.context.modelName(modelId, this.credentials?.projectId);
    return Buffer.from(JSON.stringify(message), 'utf8');
  }

  /** Answers a message the gate refused: the browser learns why, nothing more goes upstream. */
  private refuse(refusal: Refusal): void {
    this.held.length = 0;
    this.heldBytes = 0;
    this.client.close(refusal.code, refusal.reason);
    if (this.phase === 'open') this.upstream!.close(1000, 'Client closed');
    else this.abandonUpstream();
  }

  /** Ends the session from the proxy's side, reporting why. */
  private stop(code: number, reason: string, cause: string): void {
    this.fail(`closing the session: ${cause}`);
    this.client.close(code, reason);
    this.abandonUpstream();
  }

  /** Gives up an upstream connection still being set up; one that opened and closed is left to finish. */
  private abandonSetup(): void {
    if (this.phase === 'credentials' || this.phase === 'connecting') this.abandonUpstream();
  }

  private abandonUpstream(): void {
    if (this.phase === 'credentials' || this.phase === 'connecting' || this.phase === 'open') this.phase = 'abandoned';
    this.abortConnect?.();
    this.upstream?.destroy();
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
    // A paused side is read again, so that it can answer the close it is sent.
    this.toUpstream.dispose(true);
    this.toClient.dispose(true);
  }

  private scrubbed(text: string): string {
    return scrubCredentials(scrubSecrets(text, [this.credentials?.token]));
  }

  private fail(message: string, error?: unknown): void {
    const detail = error === undefined ? message : `${message}: ${describeError(error)}`;
    this.context.report(new Error(this.scrubbed(`gemini-live/server (vertex proxy): ${detail}`)));
  }
}
