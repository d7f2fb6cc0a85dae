// @ts-check
import { Conversation } from './conversation.js';
import { checkSetup, profileFor } from './models.js';
import { base64ByteLength, base64ToPcm16, sampleRateOf } from './pcm.js';

/**
 * Whether PCM16 holds any sound: a sample above -60 dBFS (a guarded microphone sends zeros).
 * @param {Int16Array} pcm
 */
function hasSound(pcm) {
  for (let i = 0; i < pcm.length; i++) if (Math.abs(pcm[i]) > 32) return true;
  return false;
}
import { noteReceived, noteSent, sinceOpen, TIMELINE_LIMIT } from './records.js';
import {
  CloseCode,
  Reason,
  describeServerMessage,
  encodeMessage,
  fitCloseReason,
  formatDuration,
  isSendableCloseCode,
  modelNotFoundReason,
  unknownFieldReason,
} from './wire.js';

/**
 * @typedef {import('ws').WebSocket} WebSocket
 * @typedef {import('./records.js').ConnectionRecord} ConnectionRecord
 * @typedef {import('./routes.js').LiveRoute} LiveRoute
 * @typedef {import('./options.js').Settings} Settings
 * @typedef {import('./tokens.js').TokenStore} TokenStore
 * @typedef {import('./tokens.js').TokenRecord} TokenRecord
 * @typedef {import('./sessions.js').SessionStore} SessionStore
 * @typedef {import('./sessions.js').Session} Session
 * @typedef {import('./speech.js').SpeechSynthesizer} SpeechSynthesizer
 * @typedef {import('./conversation.js').ForcedToolCall} ForcedToolCall
 */

/**
 * @typedef {'open' | 'setup' | 'ready'} FaultStage when a queued "next connection" action runs: right after the
 *   upgrade, when the setup arrives (instead of processing it), or after `setupComplete`
 */

/**
 * @typedef {object} QueuedAction a control action waiting for the next connection
 * @property {string} action
 * @property {FaultStage | 'upgrade'} stage
 * @property {Record<string, any>} params
 */

/**
 * @typedef {object} ConnectionContext what a connection needs from its simulator
 * @property {Settings} settings
 * @property {TokenStore} tokens
 * @property {SessionStore} sessions
 * @property {SpeechSynthesizer} speech
 * @property {(line: string) => void} log
 * @property {(toolCapable: boolean) => ForcedToolCall | null} takeForcedToolCall
 * @property {(connection: LiveConnection, action: QueuedAction) => void} runQueued
 * @property {(connection: LiveConnection, event: string, detail?: unknown) => void} emit
 */

const CLOSE_HANDSHAKE_GRACE_MS = 2000;
/** setTimeout fires at once for delays beyond this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What `#parse` returns for a client frame that is not JSON. */
const INVALID_JSON = Symbol('invalid JSON');

/** @param {unknown} value @returns {value is Record<string, any>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One WebSocket connection speaking the Live protocol: setup, authentication, the message loop, lifetime and
 * injected faults. The conversation itself lives in {@link Conversation}.
 */
export class LiveConnection {
  /**
   * @param {WebSocket} ws
   * @param {LiveRoute} route
   * @param {ConnectionRecord} record
   * @param {ConnectionContext} context
   * @param {QueuedAction[]} queued actions scripted for this connection
   */
  constructor(ws, route, record, context, queued) {
    this.ws = ws;
    this.route = route;
    this.record = record;
    this.context = context;
    this.queued = queued;
    /** @type {'awaitingSetup' | 'settingUp' | 'ready' | 'closing' | 'closed'} */
    this.stage = 'awaitingSetup';
    this.stalled = false;
    /** @type {Conversation | null} */
    this.conversation = null;
    /** @type {Session | null} */
    this.session = null;
    /** @type {Record<string, any> | null} */
    this.setup = null;
    /** @type {string[]} messages that arrived while the setup was being processed */
    this.backlog = [];
    /** Extra delay for every outgoing message, and how many more messages it applies to (-1 = all). */
    this.delayMs = 0;
    this.delayCount = -1;
    /** Network faults: a random extra delay of 0..jitterMs for each model audio message, and bursts every burstMs. */
    this.jitterMs = 0;
    this.burstMs = 0;
    /** @type {Array<{ data: Buffer | string, binary: boolean, dueAt: number }>} */
    this.outbox = [];
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.outboxTimer = undefined;
    /** @type {Set<ReturnType<typeof setTimeout>>} */
    this.timers = new Set();
    /** @type {ReturnType<typeof setTimeout>[]} */
    this.lifetimeTimers = [];
    /** @type {{ code: number, reason: string } | null} */
    this.closeRequested = null;
    /** @type {import('./models.js').SimModelProfile | null} */
    this.profile = null;
  }

  get id() {
    return this.record.id;
  }

  get open() {
    return this.stage !== 'closing' && this.stage !== 'closed';
  }

  start() {
    const { ws } = this;
    ws.on('message', (data) => this.#onMessage(/** @type {Buffer | Buffer[] | ArrayBuffer} */ (data)));
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
    ws.on('error', (error) => this.context.log(`${this.id}: socket error ${error.message}`));
    this.#runQueued('open');
  }

  // ---- sending -----------------------------------------------------------------------------------------

  /**
   * Sends a server message as a binary UTF-8 JSON frame (honouring any injected delay).
   * @param {Record<string, any>} message
   */
  send(message) {
    if (!this.open) return false;
    const kind = describeServerMessage(message);
    noteSent(this.record, kind);
    this.context.emit(this, 'sent', message);
    this.#transmit(encodeMessage(message), true, kind === 'audio');
    return true;
  }

  /**
   * Sends arbitrary bytes or text, bypassing JSON encoding (junk frames).
   * @param {Buffer | string} data
   * @param {boolean} binary
   */
  sendRaw(data, binary) {
    if (!this.open) return false;
    noteSent(this.record, 'raw');
    this.#transmit(data, binary);
    return true;
  }

  /**
   * @param {Buffer | string} data
   * @param {boolean} binary
   * @param {boolean} [audio] a model audio message (subject to jitter)
   */
  #transmit(data, binary, audio = false) {
    let delay = this.delayCount === 0 ? 0 : this.delayMs;
    if (this.delayCount > 0) this.delayCount--;
    if (audio && this.jitterMs > 0) delay += Math.random() * this.jitterMs;
    if (this.burstMs > 0) {
      // Held until the next multiple of burstMs: whatever was sent meanwhile arrives together.
      const now = Date.now();
      delay = Math.max(delay, Math.ceil((now + 1) / this.burstMs) * this.burstMs - now);
    }
    if (delay <= 0 && this.outbox.length === 0) {
      this.ws.send(data, { binary });
      return;
    }
    // Keep order: nothing overtakes a message that is still being held back.
    const last = this.outbox[this.outbox.length - 1];
    const dueAt = Math.max(Date.now() + delay, last ? last.dueAt : 0);
    this.outbox.push({ data, binary, dueAt });
    this.#scheduleOutbox();
  }

  #scheduleOutbox() {
    if (this.outboxTimer || this.outbox.length === 0) return;
    const wait = Math.max(0, this.outbox[0].dueAt - Date.now());
    this.outboxTimer = setTimeout(() => {
      this.outboxTimer = undefined;
      const now = Date.now();
      while (this.outbox.length > 0 && this.outbox[0].dueAt <= now) {
        const item = /** @type {{ data: Buffer | string, binary: boolean }} */ (this.outbox.shift());
        if (this.open) this.ws.send(item.data, { binary: item.binary });
      }
      this.#scheduleOutbox();
    }, wait);
  }

  /**
   * Holds back outgoing messages.
   * @param {number} ms
   * @param {number} [count] only the next `count` messages (default: all until reset)
   */
  setDelay(ms, count = -1) {
    this.delayMs = Math.max(0, ms);
    this.delayCount = count;
  }

  /**
   * Network jitter: each model audio message is held back by a random 0..`maxMs` (order is kept, as on a TCP
   * connection, so a late message also holds back the ones after it). 0 turns it off.
   * @param {number} maxMs
   */
  setJitter(maxMs) {
    this.jitterMs = Number.isFinite(maxMs) ? Math.max(0, maxMs) : 0;
  }

  /**
   * Bursty delivery: every outgoing message is held until the next multiple of `everyMs`, so messages arrive in
   * clumps. 0 turns it off.
   * @param {number} everyMs
   */
  setBursts(everyMs) {
    this.burstMs = Number.isFinite(everyMs) ? Math.max(0, everyMs) : 0;
  }

  // ---- closing -----------------------------------------------------------------------------------------

  /**
   * Closes with a close frame. Codes that cannot be sent (1005, 1006) drop the socket instead.
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    if (!this.open) return;
    if (!isSendableCloseCode(code)) {
      this.drop();
      return;
    }
    this.stage = 'closing';
    this.closeRequested = { code, reason: fitCloseReason(reason) };
    this.context.log(`${this.id}: closing ${code} ${reason}`);
    this.#stopActivity();
    this.outbox = [];
    this.ws.close(code, this.closeRequested.reason);
    // A client that never answers the close frame is cut off.
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_HANDSHAKE_GRACE_MS);
    timer.unref?.();
  }

  /** Destroys the socket without a close frame (the client sees 1006). */
  drop() {
    if (this.stage === 'closed') return;
    this.stage = 'closing';
    this.closeRequested = { code: 1006, reason: '' };
    this.context.log(`${this.id}: dropping the socket`);
    this.#stopActivity();
    this.outbox = [];
    this.ws.terminate();
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  #onClose(code, reason) {
    const byServer = this.closeRequested !== null;
    this.stage = 'closed';
    this.#stopActivity();
    this.record.close = {
      code: byServer ? /** @type {{ code: number }} */ (this.closeRequested).code : code,
      reason: byServer ? /** @type {{ reason: string }} */ (this.closeRequested).reason : reason,
      initiatedBy: byServer ? 'server' : 'client',
      at: sinceOpen(this.record),
    };
    this.context.log(`${this.id}: closed ${this.record.close.code} by ${this.record.close.initiatedBy}`);
    this.context.emit(this, 'close', this.record.close);
  }

  #stopActivity() {
    this.conversation?.dispose();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.#clearLifetime();
    clearTimeout(this.outboxTimer);
    this.outboxTimer = undefined;
  }

  // ---- lifetime ----------------------------------------------------------------------------------------

  #clearLifetime() {
    for (const timer of this.lifetimeTimers) clearTimeout(timer);
    this.lifetimeTimers = [];
  }

  #scheduleLifetime() {
    const { connectionLifetimeMs, goAwayBeforeMs, lifetimeCloseCode } = this.context.settings;
    if (!(connectionLifetimeMs > 0) || connectionLifetimeMs > MAX_TIMER_MS) return;
    const warning = Math.min(goAwayBeforeMs, connectionLifetimeMs);
    this.lifetimeTimers.push(
      setTimeout(() => this.send({ goAway: { timeLeft: formatDuration(warning) } }), connectionLifetimeMs - warning),
      setTimeout(() => this.#endOfLife(lifetimeCloseCode), connectionLifetimeMs),
    );
  }

  /**
   * Closes at the end of the connection's lifetime with the service's reason: 1011 "Deadline expired…" on the
   * Gemini API, 1000 "The operation was cancelled." on Vertex.
   * @param {number} code
   */
  #endOfLife(code) {
    this.close(code, code === CloseCode.NORMAL ? Reason.VERTEX_LIFETIME_ENDED : Reason.LIFETIME_ENDED);
  }

  /**
   * Sends `goAway` now; by default the connection then closes when the announced time is up.
   * @param {number} timeLeftMs
   * @param {boolean} closeAfter
   * @param {number} [code] close code (default: the `lifetimeCloseCode` setting)
   */
  goAway(timeLeftMs, closeAfter, code = this.context.settings.lifetimeCloseCode) {
    this.#clearLifetime();
    this.send({ goAway: { timeLeft: formatDuration(timeLeftMs) } });
    if (closeAfter) this.lifetimeTimers.push(setTimeout(() => this.#endOfLife(code), timeLeftMs));
  }

  /**
   * @param {number} ms
   * @param {() => void} callback
   */
  #after(ms, callback) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.open) callback();
    }, ms);
    this.timers.add(timer);
  }

  // ---- receiving ---------------------------------------------------------------------------------------

  /** @param {Buffer | Buffer[] | ArrayBuffer} data */
  #onMessage(data) {
    if (!this.open) return;
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    switch (this.stage) {
      case 'awaitingSetup':
        this.stage = 'settingUp';
        this.#handleSetup(text).catch((error) => {
          this.context.log(`${this.id}: setup failed: ${error instanceof Error ? error.stack : error}`);
          this.close(CloseCode.INTERNAL, Reason.INTERNAL);
        });
        return;
      case 'settingUp':
        this.backlog.push(text);
        return;
      default:
        this.#handleClientMessage(text);
    }
  }

  /**
   * Parses a client frame; a frame that is not JSON is recorded and closes the connection, as the service does.
   * @param {string} text
   * @returns {unknown} the message, or {@link INVALID_JSON}
   */
  #parse(text) {
    try {
      return JSON.parse(text);
    } catch {
      noteReceived(this.record, 'invalid');
      this.close(CloseCode.INVALID, Reason.INVALID_JSON);
      return INVALID_JSON;
    }
  }

  /** @param {string} text */
  async #handleSetup(text) {
    const { settings, tokens, sessions } = this.context;
    const record = this.record;
    const message = this.#parse(text);
    if (message === INVALID_JSON) return;
    if (!isObject(message) || !('setup' in message)) {
      noteReceived(record, isObject(message) ? Object.keys(message)[0] ?? 'empty' : 'invalid');
      this.close(CloseCode.INVALID, Reason.FIRST_NOT_SETUP);
      return;
    }
    noteReceived(record, 'setup');
    const setup = message.setup;
    if (!isObject(setup)) {
      this.close(CloseCode.INVALID, Reason.INVALID_ARGUMENT);
      return;
    }
    record.setup = structuredClone(setup);
    this.context.emit(this, 'setup', setup);
    if (this.#runQueued('setup')) return;

    const handle = isObject(setup.sessionResumption) && typeof setup.sessionResumption.handle === 'string'
      ? setup.sessionResumption.handle
      : null;
    const resumedSession = handle ? sessions.resolve(handle) : null;

    const auth = this.#authenticate(resumedSession !== null);
    record.auth.ok = auth.ok;
    if (!auth.ok) {
      record.auth.error = auth.why;
      this.close(CloseCode.INVALID, auth.why === 'expired' ? Reason.EXPIRED_KEY : Reason.BAD_KEY);
      return;
    }

    let effective = setup;
    if (auth.token) {
      const constrained = tokens.applyConstraints(auth.token, setup);
      effective = constrained.effective;
      record.overriddenFields = constrained.overridden;
      if (constrained.overridden.length > 0 && settings.tokenConstraintMode === 'reject') {
        this.close(
          CloseCode.INVALID,
          `${Reason.INVALID_ARGUMENT} Locked by the ephemeral token: ${constrained.overridden.join(', ')}.`,
        );
        return;
      }
    }
    record.effectiveSetup = structuredClone(effective);

    if (typeof effective.model !== 'string' || effective.model === '') {
      this.close(CloseCode.INVALID, Reason.INVALID_ARGUMENT);
      return;
    }
    const model = effective.model.replace(/^models\//, '');
    record.model = model;
    if (!settings.models.includes(model)) {
      this.close(CloseCode.POLICY, modelNotFoundReason(effective.model, this.route.apiVersion));
      return;
    }
    const profile = profileFor(model);
    const check = checkSetup(profile, effective);
    record.notes.push(...check.notes);
    if (check.refusal) {
      this.close(check.refusal.code, check.refusal.reason);
      return;
    }
    this.profile = profile;

    if (handle && !resumedSession && settings.unknownHandle === 'close') {
      this.close(CloseCode.POLICY, Reason.UNKNOWN_HANDLE);
      return;
    }
    if (auth.token && !resumedSession) tokens.consume(auth.token);

    const session = resumedSession ?? sessions.create();
    if (!resumedSession) session.promptTokens += systemInstructionTokens(effective);
    session.connections++;
    this.session = session;
    this.setup = effective;
    record.session.id = session.id;
    record.session.resumed = resumedSession !== null;
    record.session.resumedWith = resumedSession ? handle : null;

    this.conversation = new Conversation({
      setup: effective,
      profile,
      session,
      resumed: resumedSession !== null,
      speech: this.context.speech,
      settings: () => settings,
      send: (outgoing) => this.send(outgoing),
      record,
      takeForcedToolCall: this.context.takeForcedToolCall,
      onTurnBoundary: () => this.#resumptionUpdate(true),
    });

    if (settings.setupDelayMs > 0) await new Promise((resolve) => this.#after(settings.setupDelayMs, () => resolve(undefined)));
    if (!this.open) return;
    this.stage = 'ready';
    if (!this.stalled) {
      this.send({ setupComplete: {} });
      record.setupCompleteSent = true;
      this.#resumptionUpdate(true);
    }
    if (auth.token) {
      const remaining = auth.token.expireAt - this.context.tokens.now();
      if (remaining <= MAX_TIMER_MS) {
        this.#after(Math.max(0, remaining), () => this.close(CloseCode.INVALID, Reason.EXPIRED_KEY));
      }
    }
    this.#scheduleLifetime();
    this.#runQueued('ready');
    const backlog = this.backlog;
    this.backlog = [];
    for (const pending of backlog) this.#handleClientMessage(pending);
  }

  /**
   * @param {boolean} resuming
   * @returns {{ ok: true, token: TokenRecord | null } | { ok: false, why: string }}
   */
  #authenticate(resuming) {
    const { route } = this;
    const { settings, tokens } = this.context;
    if (route.method === 'BidiGenerateContentConstrained') {
      const credential = route.accessToken ?? route.key;
      if (!credential) return { ok: false, why: 'missing' };
      if (!credential.startsWith('auth_tokens/')) return { ok: false, why: 'key-on-token-method' };
      const check = tokens.check(credential, { resuming, apiVersion: route.apiVersion });
      return check.ok ? { ok: true, token: check.token } : { ok: false, why: check.why };
    }
    const credential = route.key ?? route.accessToken;
    if (!credential) return { ok: false, why: 'missing' };
    if (credential.startsWith('auth_tokens/')) return { ok: false, why: 'token-on-key-method' };
    if (!settings.apiKeys.includes(credential)) return { ok: false, why: 'bad-key' };
    return { ok: true, token: null };
  }

  /** @param {boolean} resumable */
  #resumptionUpdate(resumable) {
    if (!this.setup?.sessionResumption || !this.session || this.stalled) return;
    this.sendResumptionUpdate(resumable);
  }

  /**
   * Sends a `sessionResumptionUpdate`; a resumable one carries a fresh handle for the session.
   * @param {boolean} resumable
   */
  sendResumptionUpdate(resumable) {
    if (!this.session) return;
    if (!resumable) {
      this.send({ sessionResumptionUpdate: { resumable: false } });
      return;
    }
    const handle = this.context.sessions.issueHandle(this.session);
    this.record.session.handlesIssued.push(handle);
    this.send({ sessionResumptionUpdate: { newHandle: handle, resumable: true } });
  }

  /** @param {string} text */
  #handleClientMessage(text) {
    if (!this.open) return;
    const record = this.record;
    const message = this.#parse(text);
    if (message === INVALID_JSON) return;
    if (!isObject(message)) {
      noteReceived(record, 'invalid');
      this.close(CloseCode.INVALID, Reason.INVALID_ARGUMENT);
      return;
    }
    const keys = Object.keys(message);
    if (keys.length === 0) {
      noteReceived(record, 'empty');
      record.notes.push('empty client message ignored');
      return;
    }
    for (const key of keys) {
      noteReceived(record, key);
      this.context.emit(this, 'message', { [key]: message[key] });
      switch (key) {
        case 'realtimeInput':
          this.#realtimeInput(message.realtimeInput);
          break;
        case 'clientContent':
          this.#clientContent(message.clientContent);
          break;
        case 'toolResponse':
          this.#toolResponse(message.toolResponse);
          break;
        case 'contextUpdate':
          if (!this.profile?.contextUpdates) {
            this.close(CloseCode.INVALID, unknownFieldReason(key));
            return;
          }
          this.#contextUpdate(message.contextUpdate);
          break;
        case 'setup':
          this.close(CloseCode.INVALID, Reason.SECOND_SETUP);
          return;
        default:
          this.close(CloseCode.INVALID, unknownFieldReason(key));
          return;
      }
      if (!this.open) return;
    }
  }

  /** @param {unknown} input */
  #realtimeInput(input) {
    const conversation = /** @type {Conversation} */ (this.conversation);
    const record = this.record;
    if (!isObject(input)) {
      this.close(CloseCode.INVALID, Reason.INVALID_ARGUMENT);
      return;
    }
    const explicit = 'activityStart' in input || 'activityEnd' in input;
    if (explicit && conversation.automaticActivity) {
      this.close(CloseCode.INVALID, Reason.EXPLICIT_ACTIVITY);
      return;
    }
    if ('activityStart' in input) conversation.onActivityStart();
    if (isObject(input.audio)) this.#audio(input.audio);
    if (Array.isArray(input.mediaChunks)) {
      for (const chunk of input.mediaChunks) {
        if (!isObject(chunk)) continue;
        if (String(chunk.mimeType ?? '').startsWith('image/')) this.#video(chunk);
        else this.#audio(chunk);
      }
    }
    if (isObject(input.video)) this.#video(input.video);
    if (typeof input.text === 'string') {
      record.texts.push({ at: sinceOpen(record), via: 'realtimeInput', text: input.text });
      conversation.onText(input.text);
    }
    if ('activityEnd' in input) conversation.onActivityEnd();
    if (input.audioStreamEnd) {
      record.activity.push({ at: sinceOpen(record), type: 'audioStreamEnd' });
      if (!conversation.automaticActivity) record.notes.push('audioStreamEnd while automatic activity detection is disabled');
      conversation.onAudioStreamEnd();
    }
  }

  /** @param {Record<string, any>} blob */
  #audio(blob) {
    const record = this.record;
    const data = typeof blob.data === 'string' ? blob.data : '';
    const mimeType = typeof blob.mimeType === 'string' ? blob.mimeType : '';
    const bytes = base64ByteLength(data);
    const rate = sampleRateOf(mimeType, 16000);
    // Decoded once: for the sound count, and for the conversation's activity detection.
    const pcm = base64ToPcm16(data);
    record.audio.chunks++;
    record.audio.bytes += bytes;
    if (hasSound(pcm)) record.audio.soundChunks++;
    const now = Date.now();
    if (record.audio.lastAt !== null) record.audio.maxGapMs = Math.max(record.audio.maxGapMs, now - record.audio.lastAt);
    record.audio.lastAt = now;
    record.audio.firstAt ??= record.audio.lastAt;
    record.audio.seconds = Math.round((record.audio.seconds + bytes / 2 / rate) * 1e6) / 1e6;
    if (mimeType && !record.audio.mimeTypes.includes(mimeType)) record.audio.mimeTypes.push(mimeType);
    if (!mimeType.startsWith('audio/pcm')) {
      if (!record.notes.includes(`unsupported audio ${mimeType}`)) record.notes.push(`unsupported audio ${mimeType}`);
      return;
    }
    /** @type {Conversation} */ (this.conversation).onAudio(pcm, rate);
  }

  /** @param {Record<string, any>} blob */
  #video(blob) {
    const record = this.record;
    const bytes = base64ByteLength(typeof blob.data === 'string' ? blob.data : '');
    const mimeType = typeof blob.mimeType === 'string' ? blob.mimeType : '';
    record.video.count++;
    record.video.bytes += bytes;
    if (record.video.frames.length < TIMELINE_LIMIT) record.video.frames.push({ at: sinceOpen(record), bytes, mimeType });
    /** @type {Conversation} */ (this.conversation).onVideoFrame();
  }

  /** @param {unknown} content */
  #clientContent(content) {
    if (!isObject(content)) {
      this.close(CloseCode.INVALID, Reason.INVALID_ARGUMENT);
      return;
    }
    const record = this.record;
    const turnComplete = content.turnComplete === true;
    const turns = Array.isArray(content.turns) ? content.turns : content.turns ? [content.turns] : [];
    for (const turn of turns) {
      if (!isObject(turn) || turn.role === 'model') continue;
      const parts = Array.isArray(turn.parts) ? turn.parts : [];
      for (const part of parts) {
        if (isObject(part) && typeof part.text === 'string') {
          record.texts.push({ at: sinceOpen(record), via: 'clientContent', text: part.text, turnComplete });
        }
      }
    }
    /** @type {Conversation} */ (this.conversation).onClientContent(turns, turnComplete);
  }

  /** @param {unknown} update */
  #contextUpdate(update) {
    if (!isObject(update)) {
      this.close(CloseCode.INVALID, Reason.INVALID_ARGUMENT);
      return;
    }
    this.record.contextUpdates.push({ at: sinceOpen(this.record), update: structuredClone(update) });
    /** @type {Conversation} */ (this.conversation).onContextUpdate(update);
  }

  /** @param {unknown} toolResponse */
  #toolResponse(toolResponse) {
    if (!isObject(toolResponse)) {
      this.close(CloseCode.INVALID, Reason.INVALID_ARGUMENT);
      return;
    }
    const functionResponses = structuredClone(toolResponse.functionResponses ?? []);
    const entry = { at: sinceOpen(this.record), functionResponses, matched: false };
    this.record.toolResponses.push(entry);
    entry.matched = /** @type {Conversation} */ (this.conversation).onToolResponse(functionResponses);
    if (!entry.matched) this.record.notes.push('toolResponse that matched no pending function call');
  }

  // ---- control hooks -----------------------------------------------------------------------------------

  /**
   * Runs queued "next connection" actions for a stage; returns true if one of them ended the connection.
   * @param {FaultStage} stage
   */
  #runQueued(stage) {
    const due = this.queued.filter((action) => action.stage === stage);
    this.queued = this.queued.filter((action) => action.stage !== stage);
    for (const action of due) {
      this.context.runQueued(this, action);
      if (!this.open) return true;
    }
    return false;
  }

  /**
   * Notes that a control action touched this connection.
   * @param {string} action
   */
  noteFault(action) {
    this.record.faults.push({ at: sinceOpen(this.record), action });
  }
}

/** @param {Record<string, any>} setup */
function systemInstructionTokens(setup) {
  const instruction = setup.systemInstruction;
  const parts = isObject(instruction) && Array.isArray(instruction.parts) ? instruction.parts : [];
  const text = parts.map((/** @type {any} */ part) => (typeof part?.text === 'string' ? part.text : '')).join(' ');
  return Math.ceil(text.length / 4);
}
