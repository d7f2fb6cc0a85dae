// @ts-check
/**
 * An offline stand-in for the Gemini Live API that the real `@google/genai` SDK talks to unchanged.
 *
 *   const sim = await startSimulator({ voice: false });
 *   const ai = new GoogleGenAI({ apiKey: 'sim-key', httpOptions: { baseUrl: sim.url } });
 *
 * or mounted on an existing server (`createSimulator(options).attach(server)`, or `handleUpgrade` /
 * `handleRequest` from your own listeners). See demo/README.md for behaviours and the control API.
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { LiveConnection } from './connection.js';
import { SimulatorControl } from './control.js';
import { createHttpHandler, tokenResponse } from './http-api.js';
import { applySettings, resolveSettings } from './options.js';
import { createRecord } from './records.js';
import { originAllowed } from './request-guard.js';
import { matchLiveRoute } from './routes.js';
import { SessionStore } from './sessions.js';
import { SpeechSynthesizer } from './speech.js';
import { TokenStore } from './tokens.js';

export { KNOWN_MODELS } from './options.js';
export { JUNK_KINDS } from './control.js';
export { CloseCode, Reason } from './wire.js';
export { CONTROL_HEADER } from './request-guard.js';

/**
 * @typedef {import('./options.js').SimulatorOptions} SimulatorOptions
 * @typedef {import('./options.js').Settings} Settings
 * @typedef {import('./records.js').ConnectionRecord} ConnectionRecord
 * @typedef {import('./connection.js').QueuedAction} QueuedAction
 * @typedef {import('./conversation.js').ForcedToolCall} ForcedToolCall
 * @typedef {import('./control.js').ResetOptions} ResetOptions
 * @typedef {import('node:http').IncomingMessage} IncomingMessage
 * @typedef {import('node:http').ServerResponse} ServerResponse
 * @typedef {import('node:http').Server} HttpServer
 * @typedef {import('node:stream').Duplex} Duplex
 */

/**
 * The simulator, independent of any particular HTTP server.
 *
 * Events on `events`: "connection" (record), "setup" (record, setup), "message" (record, client message),
 * "sent" (record, server message), "close" (record, close info).
 */
export class LiveSimulator {
  /** @param {SimulatorOptions} [options] */
  constructor(options = {}) {
    this.options = { ...options };
    /** Live settings; `control.configure` changes them. */
    this.settings = resolveSettings(options);
    const log = options.log;
    /** @type {(line: string) => void} */
    this.log = typeof log === 'function' ? (line) => log(`[live-sim] ${line}`) : () => {};
    this.events = new EventEmitter();
    this.tokens = new TokenStore({ now: options.now });
    this.sessions = new SessionStore({ handleTtlMs: this.settings.handleTtlMs, now: options.now });
    this.speech = new SpeechSynthesizer({ mode: this.settings.voice, log: this.log });
    /**
     * Every connection's record, oldest first (records of closed connections stay until `reset`).
     * @type {ConnectionRecord[]}
     */
    this.connections = [];
    /** @type {Map<string, LiveConnection>} */
    this.live = new Map();
    /** @type {QueuedAction[]} */
    this.queued = [];
    /** @type {ForcedToolCall[]} */
    this.forcedToolCalls = [];
    this.nextConnectionId = 1;
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 << 20 });
    /** @type {HttpServer | null} a server `listen` created */
    this.server = null;
    /** Set by `listen`: "http://127.0.0.1:PORT", the SDK's `httpOptions.baseUrl`. @type {string | undefined} */
    this.url = undefined;
    /** Set by `listen`: "ws://127.0.0.1:PORT". @type {string | undefined} */
    this.wsUrl = undefined;
    /** @type {number | undefined} */
    this.port = undefined;
    /** @type {string | undefined} */
    this.host = undefined;
    this.closed = false;

    // The host sees the same arrays for the simulator's whole life: they are only ever changed in place.
    this.control = new SimulatorControl({
      live: this.live,
      records: this.connections,
      queued: this.queued,
      forcedToolCalls: this.forcedToolCalls,
      configure: (changes) => this.#configure(changes),
      reset: (resetOptions) => this.#reset(resetOptions),
      createToken: (body) => {
        const result = this.tokens.create(body);
        return result.ok ? tokenResponse(result.token, 'name') : { error: result.message };
      },
      expireHandle: (handle) => this.sessions.expire(handle),
    });
    /**
     * Serves the token endpoint and `/__sim/*`; returns false for any other request (leave it to someone else).
     * @type {(req: IncomingMessage, res: ServerResponse) => boolean}
     */
    this.handleRequest = createHttpHandler({
      settings: this.settings,
      tokens: this.tokens,
      control: this.control,
      records: this.connections,
      openConnections: () => this.live.size,
      log: this.log,
    });
  }

  /**
   * Takes over a WebSocket upgrade if it is for a Live socket path.
   * @param {IncomingMessage} req
   * @param {Duplex} socket
   * @param {Buffer} head
   * @returns {boolean} false if the request is not the simulator's (leave it to someone else)
   */
  handleUpgrade(req, socket, head) {
    const route = matchLiveRoute(req.url);
    if (!route) return false;
    if (this.closed || !route.supported) {
      rejectUpgrade(socket, 404, 'Not Found');
      return true;
    }
    if (!originAllowed(req, this.settings)) {
      rejectUpgrade(socket, 403, 'Forbidden');
      return true;
    }
    const id = `c${this.nextConnectionId++}`;
    const record = createRecord({ id, url: req.url ?? '', route });
    this.connections.push(record);
    const queued = this.queued.splice(0);
    const refusal = queued.find((action) => action.stage === 'upgrade');
    if (refusal) {
      const status = Number(refusal.params.status ?? 503);
      record.refusedWithStatus = status;
      record.faults.push({ at: 0, action: 'refuse' });
      record.close = { code: 1006, reason: '', initiatedBy: 'server', at: 0 };
      this.log(`${id}: refusing the upgrade with HTTP ${status}`);
      rejectUpgrade(socket, status, status === 503 ? 'Service Unavailable' : 'Refused');
      // Other actions queued for "next" wait for the connection after this one.
      this.queued.push(...queued.filter((action) => action !== refusal));
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new LiveConnection(ws, route, record, this.#connectionContext(), queued);
      this.live.set(id, connection);
      this.events.emit('connection', record);
      this.log(`${id}: ${route.method} ${route.apiVersion} (${record.auth.kind})`);
      ws.once('close', () => this.live.delete(id));
      connection.start();
    });
    return true;
  }

  /**
   * Adds an upgrade listener to an existing server that takes Live socket paths only (other upgrade listeners,
   * such as @web/dev-server's, keep theirs). HTTP requests still need `handleRequest` (or `middleware()`) in
   * the server's own request handler, since Node gives every request listener every request.
   * @param {HttpServer} server
   * @returns {() => void} detach
   */
  attach(server) {
    /** @type {(req: IncomingMessage, socket: Duplex, head: Buffer) => void} */
    const onUpgrade = (req, socket, head) => {
      this.handleUpgrade(req, socket, head);
    };
    server.on('upgrade', onUpgrade);
    return () => {
      server.off('upgrade', onUpgrade);
    };
  }

  /**
   * Koa-style middleware (for @web/dev-server and web-test-runner's `middleware` option).
   * @returns {(ctx: { req: IncomingMessage, res: ServerResponse, respond?: boolean }, next: () => Promise<unknown>) => Promise<unknown>}
   */
  middleware() {
    return async (ctx, next) => {
      if (this.handleRequest(ctx.req, ctx.res)) {
        ctx.respond = false;
        return undefined;
      }
      return next();
    };
  }

  /**
   * Starts a server of its own.
   * @param {{ port?: number, host?: string }} [where]
   * @returns {Promise<this & { url: string, wsUrl: string, port: number, host: string }>}
   */
  async listen({ port = this.options.port ?? 0, host = this.options.host ?? '127.0.0.1' } = {}) {
    const server = createServer((req, res) => {
      if (!this.handleRequest(req, res)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      }
    });
    server.on('upgrade', (req, socket, head) => {
      if (!this.handleUpgrade(req, socket, head)) rejectUpgrade(socket, 404, 'Not Found');
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(undefined));
    });
    this.server = server;
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.host = address.address;
    this.port = address.port;
    this.url = `http://${hostPart}:${address.port}`;
    this.wsUrl = `ws://${hostPart}:${address.port}`;
    this.log(`listening on ${this.url}`);
    return /** @type {this & { url: string, wsUrl: string, port: number, host: string }} */ (this);
  }

  /**
   * Closes every open connection (1001), stops the speech worker and, if `listen` started one, the server.
   */
  async close() {
    if (this.closed) return;
    this.closed = true;
    const open = [...this.live.values()];
    const closing = open.map((connection) => new Promise((resolve) => connection.ws.once('close', resolve)));
    for (const connection of open) connection.close(1001, 'Server shutting down.');
    // Give clients a moment to answer the close frames before sockets are cut.
    await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 500))]);
    this.speech.dispose();
    const server = this.server;
    if (server) {
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
    }
    for (const client of this.wss.clients) client.terminate();
    await new Promise((resolve) => this.wss.close(() => resolve(undefined)));
  }

  /** @returns {import('./connection.js').ConnectionContext} */
  #connectionContext() {
    return {
      settings: this.settings,
      tokens: this.tokens,
      sessions: this.sessions,
      speech: this.speech,
      log: this.log,
      takeForcedToolCall: (toolCapable) => {
        if (!toolCapable || this.forcedToolCalls.length === 0) return null;
        return /** @type {ForcedToolCall} */ (this.forcedToolCalls.shift());
      },
      runQueued: (connection, action) => {
        connection.noteFault(action.action);
        void this.control
          .act({ ...action.params, action: action.action, target: connection.id })
          .catch((error) => this.log(`${connection.id}: queued ${action.action} failed: ${error.message}`));
      },
      emit: (connection, event, detail) => this.events.emit(event, connection.record, detail),
    };
  }

  /** @param {Record<string, any>} changes */
  #configure(changes) {
    const changed = applySettings(this.settings, changes);
    if (changed.includes('voice')) this.speech.setMode(this.settings.voice);
    if (changed.includes('handleTtlMs')) this.sessions.handleTtlMs = this.settings.handleTtlMs;
    return changed;
  }

  /** @param {ResetOptions} options */
  #reset({ records = true, sessions = true, tokens = true, settings = true, closeConnections = false } = {}) {
    this.queued.length = 0;
    this.forcedToolCalls.length = 0;
    for (const connection of this.live.values()) {
      connection.setDelay(0);
      if (connection.conversation) connection.conversation.forcedToolCall = null;
      if (closeConnections) connection.close(1000, '');
    }
    if (records) this.connections.splice(0, this.connections.length, ...this.connections.filter((r) => this.live.has(r.id) && !r.close));
    if (sessions) this.sessions.reset();
    if (tokens) this.tokens.reset();
    if (settings) {
      Object.assign(this.settings, resolveSettings(this.options));
      this.speech.setMode(this.settings.voice);
      this.sessions.handleTtlMs = this.settings.handleTtlMs;
    }
  }
}

/**
 * @param {Duplex} socket
 * @param {number} status
 * @param {string} text
 */
function rejectUpgrade(socket, status, text) {
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}

/**
 * Creates a simulator to mount on your own server (see {@link LiveSimulator#handleUpgrade},
 * {@link LiveSimulator#handleRequest}, {@link LiveSimulator#attach} and {@link LiveSimulator#middleware}).
 * @param {SimulatorOptions} [options]
 */
export function createSimulator(options = {}) {
  return new LiveSimulator(options);
}

/**
 * Starts a simulator on its own HTTP server (default 127.0.0.1 on a free port).
 * @param {SimulatorOptions} [options]
 */
export async function startSimulator(options = {}) {
  return new LiveSimulator(options).listen();
}

export { matchLiveRoute, matchRestRoute } from './routes.js';
