// @ts-check
import { MAX_JUNK_BYTES, MAX_JUNK_COUNT } from './request-guard.js';
import { CloseCode, Reason } from './wire.js';

/**
 * @typedef {import('./connection.js').LiveConnection} LiveConnection
 * @typedef {import('./connection.js').QueuedAction} QueuedAction
 * @typedef {import('./connection.js').FaultStage} FaultStage
 * @typedef {import('./records.js').ConnectionRecord} ConnectionRecord
 * @typedef {import('./conversation.js').ForcedToolCall} ForcedToolCall
 * @typedef {import('./conversation.js').TurnScript} TurnScript
 */

/**
 * @typedef {'latest' | 'next' | 'all' | 'any' | string} Target
 * "latest": the most recently opened connection that is still open (default); "next": the next connection to
 * arrive; "all": every open connection; "any" (callTool only): the next tool-capable turn anywhere; otherwise
 * a connection id such as "c3".
 */

/**
 * @typedef {object} ControlHost the parts of the simulator the control API drives
 * @property {Map<string, LiveConnection>} live open connections by id
 * @property {ConnectionRecord[]} records
 * @property {QueuedAction[]} queued actions waiting for the next connection
 * @property {ForcedToolCall[]} forcedToolCalls waiting for the next tool-capable turn anywhere
 * @property {(changes: Record<string, any>) => string[]} configure
 * @property {(options: ResetOptions) => void} reset
 * @property {(body: Record<string, any>) => { name: string } | { error: string }} createToken
 * @property {(handle: string) => boolean} expireHandle
 */

/**
 * @typedef {object} ResetOptions
 * @property {boolean} [records] forget records of closed connections (default true)
 * @property {boolean} [sessions] forget resumption handles (default true)
 * @property {boolean} [tokens] forget ephemeral tokens (default true)
 * @property {boolean} [settings] restore the options the simulator started with (default true)
 * @property {boolean} [closeConnections] close open connections with 1000 (default false)
 */

/**
 * @typedef {{ stage: FaultStage | 'upgrade', run: (connection: LiveConnection, params: Record<string, any>) => unknown }} ActionSpec
 */

/**
 * Per-connection actions; `stage` says when the action runs if it targets the next connection.
 * @type {Record<string, ActionSpec>}
 */
const CONNECTION_ACTIONS = {
  close: {
    stage: 'ready',
    run(connection, { code = CloseCode.INTERNAL, reason = Reason.INTERNAL }) {
      connection.close(Number(code), String(reason));
    },
  },
  drop: {
    stage: 'ready',
    run(connection) {
      connection.drop();
    },
  },
  failSetup: {
    stage: 'setup',
    run(connection, { code = CloseCode.INTERNAL, reason = Reason.INTERNAL }) {
      connection.close(Number(code), String(reason));
    },
  },
  stallSetup: {
    stage: 'setup',
    run(connection) {
      connection.stalled = true;
    },
  },
  refuse: {
    // Handled before the upgrade; on an open connection it is simply a drop.
    stage: 'upgrade',
    run(connection) {
      connection.drop();
    },
  },
  junk: {
    stage: 'ready',
    run(connection, { kind = 'nonJson', count = 1, bytes = 1 << 20 }) {
      for (let i = 0; i < Number(count); i++) sendJunk(connection, String(kind), Number(bytes));
    },
  },
  goAway: {
    stage: 'ready',
    run(connection, { timeLeftMs = 1000, close = true, code }) {
      connection.goAway(Number(timeLeftMs), Boolean(close), code === undefined ? undefined : Number(code));
    },
  },
  quota: {
    // The service refuses a session over quota (or over the concurrent-session limit) with 1011.
    stage: 'setup',
    run(connection, { reason = Reason.QUOTA }) {
      connection.close(CloseCode.INTERNAL, String(reason));
    },
  },
  turn: {
    stage: 'ready',
    run(connection, params) {
      const conversation = connection.conversation;
      if (!conversation) throw new Error(`${connection.id} has no conversation yet`);
      return conversation.scriptTurn(/** @type {TurnScript} */ (params));
    },
  },
  userTurn: {
    stage: 'ready',
    run(connection, { text, seconds }) {
      if (!connection.conversation) throw new Error(`${connection.id} has no conversation yet`);
      connection.conversation.simulateUserTurn({
        text: typeof text === 'string' ? text : undefined,
        seconds: seconds === undefined ? undefined : Number(seconds),
      });
    },
  },
  interrupt: {
    stage: 'ready',
    run(connection) {
      connection.conversation?.interrupt();
    },
  },
  delay: {
    stage: 'ready',
    run(connection, { ms = 500, count = -1 }) {
      connection.setDelay(Number(ms), Number(count));
    },
  },
  jitter: {
    stage: 'ready',
    run(connection, { maxMs = 150 }) {
      connection.setJitter(Number(maxMs));
    },
  },
  bursts: {
    stage: 'ready',
    run(connection, { everyMs = 300 }) {
      connection.setBursts(Number(everyMs));
    },
  },
  callTool: {
    stage: 'ready',
    run(connection, { name, args }) {
      if (!connection.conversation) throw new Error(`${connection.id} has no conversation yet`);
      connection.conversation.forceToolCall({ name, args });
    },
  },
  resumptionUpdate: {
    stage: 'ready',
    run(connection, { resumable = true }) {
      connection.sendResumptionUpdate(Boolean(resumable));
    },
  },
  send: {
    stage: 'ready',
    run(connection, { message, raw, binary = true }) {
      if (typeof raw === 'string') connection.sendRaw(binary ? Buffer.from(raw, 'utf8') : raw, Boolean(binary));
      else if (message && typeof message === 'object') connection.send(message);
      else throw new Error('send needs `message` (an object) or `raw` (a string)');
    },
  },
};

/** Names that imply a target or an action. */
const ALIASES = /** @type {Record<string, { action: string, target?: Target }>} */ ({
  failNextSetup: { action: 'failSetup', target: 'next' },
  closeNext: { action: 'close', target: 'next' },
  dropNext: { action: 'drop', target: 'next' },
  refuseNext: { action: 'refuse', target: 'next' },
  stallNextSetup: { action: 'stallSetup', target: 'next' },
  withholdSetupComplete: { action: 'stallSetup', target: 'next' },
  goAwayNow: { action: 'goAway' },
  scriptTurn: { action: 'turn' },
  delayMessages: { action: 'delay' },
  callToolNext: { action: 'callTool' },
  junkFrames: { action: 'junk' },
});

/**
 * @param {LiveConnection} connection
 * @param {string} kind
 * @param {number} bytes
 */
function sendJunk(connection, kind, bytes) {
  switch (kind) {
    case 'nonJson': // binary frame that is not JSON
      connection.sendRaw(Buffer.from('\u0000\u00ffnot json{', 'latin1'), true);
      return;
    case 'textFrame': // text frame that is not JSON
      connection.sendRaw('this is not JSON', false);
      return;
    case 'truncated': // cut-off JSON
      connection.sendRaw(Buffer.from('{"serverContent":{"modelTurn":{"parts":[{"te', 'utf8'), true);
      return;
    case 'wrongType': // valid JSON, wrong shapes
      connection.send({ serverContent: { modelTurn: { parts: 'not-a-list' }, turnComplete: 'yes' } });
      return;
    case 'unknownMessage':
      connection.send({ somethingNew: { value: 1 } });
      return;
    case 'array':
      connection.sendRaw(Buffer.from('[1,2,3]', 'utf8'), true);
      return;
    case 'empty':
      connection.send({});
      return;
    case 'badAudio': // audio part whose data is not base64 PCM
      connection.send({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: '@@not base64@@' } }] } } });
      return;
    case 'huge':
      connection.send({ serverContent: { modelTurn: { parts: [{ text: 'x'.repeat(Math.max(1, bytes)) }] } } });
      return;
    default:
      throw new Error(`Unknown junk kind "${kind}"`);
  }
}

export const JUNK_KINDS = Object.freeze(['nonJson', 'textFrame', 'truncated', 'wrongType', 'unknownMessage', 'array', 'empty', 'badAudio', 'huge']);

/**
 * The test-control API. Every action is available as a method (for Node tests) and through
 * `act({ action, target, ...params })` (for the HTTP route).
 */
export class SimulatorControl {
  /** @param {ControlHost} host */
  constructor(host) {
    this.host = host;
  }

  /**
   * Runs an action described as JSON: `{ action, target?, ...params }`.
   * @param {Record<string, any>} request
   * @returns {Promise<Record<string, unknown>>}
   */
  async act(request) {
    if (!request || typeof request !== 'object' || typeof request.action !== 'string') {
      throw new Error('Expected { action: string, ... }');
    }
    const { action: requested, target: requestedTarget, connectionId, wait, ...params } = request;
    const alias = ALIASES[requested];
    const action = alias?.action ?? requested;
    const target = alias?.target ?? requestedTarget ?? connectionId;
    switch (action) {
      case 'configure':
        return { changed: this.host.configure(params.options ?? params) };
      case 'reset':
        this.host.reset(params);
        return {};
      case 'createToken': {
        const result = this.host.createToken(params.body ?? params);
        if ('error' in result) throw new Error(result.error);
        return result;
      }
      case 'expireHandle':
        return { expired: this.host.expireHandle(String(params.handle)) };
      case 'connections':
        return { connections: this.host.records };
    }
    const spec = CONNECTION_ACTIONS[action];
    if (!spec) throw new Error(`Unknown action "${requested}"`);
    if (action === 'junk' && !(Number(params.count ?? 1) <= MAX_JUNK_COUNT && Number(params.bytes ?? 0) <= MAX_JUNK_BYTES)) {
      throw new Error(`junk is limited to ${MAX_JUNK_COUNT} frames of ${MAX_JUNK_BYTES} bytes`);
    }
    if (action === 'callTool' && (target === undefined || target === 'any')) {
      this.host.forcedToolCalls.push({ name: params.name, args: params.args });
      return { queued: 'any' };
    }
    if (target === 'next') {
      const stage = params.at ?? spec.stage;
      if (!['open', 'setup', 'ready', 'upgrade'].includes(stage)) throw new Error(`Unknown stage "${stage}"`);
      this.host.queued.push({ action, stage, params });
      return { queued: 'next', stage };
    }
    const connections = this.#resolve(target);
    const results = [];
    for (const connection of connections) {
      connection.noteFault(action);
      const outcome = spec.run(connection, params);
      if (wait && outcome instanceof Promise) await outcome;
      else if (outcome instanceof Promise) outcome.catch(() => {});
      results.push(connection.id);
    }
    return { applied: results };
  }

  /**
   * @param {Target | undefined} target
   * @returns {LiveConnection[]}
   */
  #resolve(target) {
    const open = [...this.host.live.values()].filter((connection) => connection.open);
    if (target === undefined || target === 'latest') {
      const latest = open[open.length - 1];
      if (!latest) throw new Error('No open connection');
      return [latest];
    }
    if (target === 'all') return open;
    const connection = this.host.live.get(String(target));
    if (!connection || !connection.open) throw new Error(`No open connection "${target}"`);
    return [connection];
  }

  // ---- convenience methods (same semantics as the JSON actions) ----------------------------------------

  /** Close with a close frame (default 1011 "Internal error encountered."). @param {{ target?: Target, code?: number, reason?: string }} [o] */
  close(o = {}) { return this.act({ action: 'close', ...o }); }

  /** Destroy the socket without a close frame. @param {{ target?: Target }} [o] */
  drop(o = {}) { return this.act({ action: 'drop', ...o }); }

  /** The next connection's setup is answered by a close (default 1011). @param {{ code?: number, reason?: string }} [o] */
  failNextSetup(o = {}) { return this.act({ action: 'failNextSetup', ...o }); }

  /** The next connection is closed at a stage ("open", "setup" or, by default, "ready"). @param {{ code?: number, reason?: string, at?: FaultStage }} [o] */
  closeNext(o = {}) { return this.act({ action: 'closeNext', ...o }); }

  /** The next connection is dropped at a stage. @param {{ at?: FaultStage }} [o] */
  dropNext(o = {}) { return this.act({ action: 'dropNext', ...o }); }

  /** The next WebSocket upgrade is refused with an HTTP status (default 503). @param {{ status?: number }} [o] */
  refuseNext(o = {}) { return this.act({ action: 'refuseNext', ...o }); }

  /** The next connection never gets `setupComplete`. */
  stallNextSetup() { return this.act({ action: 'stallNextSetup' }); }

  /** Malformed frames. @param {{ target?: Target, kind?: string, count?: number, bytes?: number }} [o] */
  junk(o = {}) { return this.act({ action: 'junk', ...o }); }

  /**
   * `goAway` now, then close after `timeLeftMs` unless `close: false`, with the lifetime close (`code` 1011
   * "Deadline expired…" by default, 1000 "The operation was cancelled." as Vertex does, or any other code).
   * @param {{ target?: Target, timeLeftMs?: number, close?: boolean, code?: number }} [o]
   */
  goAway(o = {}) { return this.act({ action: 'goAway', ...o }); }

  /**
   * The quota refusal: close 1011 "You exceeded your current quota…" now, or (`target: 'next'`) instead of the
   * next connection's setup.
   * @param {{ target?: Target, reason?: string }} [o]
   */
  quota(o = {}) { return this.act({ action: 'quota', ...o }); }

  /**
   * A dictated model turn (with `turnCompleteReason` / `waitingForInput` on its `turnComplete` if given);
   * `wait: true` resolves after it was sent.
   * @param {TurnScript & { target?: Target, wait?: boolean }} script
   */
  turn(script) { return this.act({ action: 'turn', ...script }); }

  /**
   * A user turn as if the user had spoken for `seconds` (default 1) or typed `text`, whatever the microphone sends.
   * @param {{ target?: Target, seconds?: number, text?: string }} [o]
   */
  userTurn(o = {}) { return this.act({ action: 'userTurn', ...o }); }

  /** Cut the current model turn short, as if the user had barged in. @param {{ target?: Target }} [o] */
  interrupt(o = {}) { return this.act({ action: 'interrupt', ...o }); }

  /** Hold back outgoing messages by `ms` (the next `count`, or all until reset). @param {{ target?: Target, ms?: number, count?: number }} [o] */
  delay(o = {}) { return this.act({ action: 'delay', ...o }); }

  /** Hold each model audio message back by a random 0..`maxMs` (0: off). @param {{ target?: Target, maxMs?: number }} [o] */
  jitter(o = {}) { return this.act({ action: 'jitter', ...o }); }

  /** Deliver outgoing messages in bursts every `everyMs` (0: off). @param {{ target?: Target, everyMs?: number }} [o] */
  bursts(o = {}) { return this.act({ action: 'bursts', ...o }); }

  /** The next tool-capable user turn (anywhere, or on `target`) calls a function. @param {{ target?: Target, name?: string, args?: Record<string, unknown> }} [o] */
  callTool(o = {}) { return this.act({ action: 'callTool', ...o }); }

  /** A `sessionResumptionUpdate` now. @param {{ target?: Target, resumable?: boolean }} [o] */
  resumptionUpdate(o = {}) { return this.act({ action: 'resumptionUpdate', ...o }); }

  /** Any server message (`message`) or raw frame (`raw`). @param {{ target?: Target, message?: Record<string, any>, raw?: string, binary?: boolean }} o */
  send(o) { return this.act({ action: 'send', ...o }); }

  /** Change options at run time. @param {Record<string, any>} options */
  configure(options) { return this.act({ action: 'configure', options }); }

  /** @param {ResetOptions} [o] */
  reset(o = {}) { return this.act({ action: 'reset', ...o }); }

  /**
   * Mint an ephemeral token without HTTP (same body as `POST /v1alpha/auth_tokens`).
   * @param {Record<string, any>} [body]
   * @returns {Promise<string>} the token name
   */
  async createToken(body = {}) {
    const result = await this.act({ action: 'createToken', body });
    return /** @type {string} */ (result.name);
  }

  /** Make a resumption handle unknown. @param {string} handle */
  expireHandle(handle) { return this.act({ action: 'expireHandle', handle }); }

  /** @param {string} id */
  record(id) {
    return this.host.records.find((record) => record.id === id);
  }

  /** The newest record (open or closed). */
  latest() {
    return this.host.records[this.host.records.length - 1];
  }

  /**
   * Polls until `predicate` returns a truthy value.
   * @template T
   * @param {() => T} predicate
   * @param {{ timeoutMs?: number, intervalMs?: number, message?: string }} [options]
   * @returns {Promise<NonNullable<T>>}
   */
  async waitFor(predicate, { timeoutMs = 5000, intervalMs = 10, message = 'condition' } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return /** @type {NonNullable<T>} */ (value);
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * Waits for a connection record to satisfy a predicate (default: the next connection to open).
   * @param {{ after?: number, timeoutMs?: number, where?: (record: ConnectionRecord) => boolean }} [options]
   *   `after`: number of records that existed before (default: now)
   */
  waitForConnection({ after = this.host.records.length, timeoutMs = 5000, where = () => true } = {}) {
    return this.waitFor(() => this.host.records.slice(after).find(where), { timeoutMs, message: 'a connection' });
  }
}
