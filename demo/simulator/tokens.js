// @ts-check
import { randomBytes } from 'node:crypto';

/**
 * Ephemeral tokens as `authTokens.create` makes them (`POST /v1alpha/auth_tokens`).
 *
 * The SDK sends `{ expireTime?, newSessionExpireTime?, uses?, bidiGenerateContentSetup?, fieldMask? }` where
 * `bidiGenerateContentSetup` is a wire-format setup (like the WebSocket `setup` message) and `fieldMask` is a
 * comma-separated list of setup paths ("model,generationConfig.responseModalities,…").
 *
 * Locking follows the SDK's documentation of `authTokens.create`:
 * - no `bidiGenerateContentSetup`: nothing is locked; each connection chooses its own setup;
 * - a setup without `fieldMask` (`lockAdditionalFields` unset): every field is locked to the token's setup;
 * - a setup with `fieldMask`: the listed paths are locked; the connection chooses everything else.
 * A connection's values for locked fields "will be ignored by the API", so by default they are overridden
 * with the token's values (the record lists which ones). `constraintMode: 'reject'` refuses such a setup
 * with close 1007 instead. `sessionResumption` is always the connection's own, so locked sessions can resume.
 */

const MINUTE = 60_000;
const MAX_LIFETIME_MS = 20 * 60 * MINUTE;

/**
 * @typedef {object} TokenRecord
 * @property {string} name "auth_tokens/…"
 * @property {number} createdAt epoch ms
 * @property {number} expireAt epoch ms after which nothing may use the token
 * @property {number} newSessionExpireAt epoch ms after which no new session may start
 * @property {number} uses allowed new sessions (0 = unlimited)
 * @property {number} used new sessions started so far
 * @property {Record<string, any> | null} setup locked wire-format setup
 * @property {string[] | null} fieldMask locked paths; null with a setup means "all fields"
 */

/**
 * @typedef {{ ok: true, token: TokenRecord }
 *   | { ok: false, status: number, message: string, grpcStatus: string }} CreateResult
 */

/**
 * @typedef {{ ok: true, token: TokenRecord }
 *   | { ok: false, why: 'unknown' | 'expired' | 'new-sessions-expired' | 'used-up' | 'needs-v1alpha' }} CheckResult
 */

/**
 * @param {unknown} value
 * @returns {number | null | undefined} epoch ms, undefined if absent, null if unparsable
 */
function parseTime(value) {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export class TokenStore {
  /**
   * @param {{ now?: () => number }} [options]
   */
  constructor({ now = Date.now } = {}) {
    this.now = now;
    /** @type {Map<string, TokenRecord>} */
    this.tokens = new Map();
  }

  /**
   * Validates a create request body and stores the token.
   * @param {Record<string, any>} body
   * @returns {CreateResult}
   */
  create(body) {
    const now = this.now();
    const invalid = (/** @type {string} */ message) =>
      /** @type {CreateResult} */ ({ ok: false, status: 400, message, grpcStatus: 'INVALID_ARGUMENT' });
    if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid('Invalid JSON payload received.');
    const expireAt = parseTime(body.expireTime);
    const newSessionExpireAt = parseTime(body.newSessionExpireTime);
    if (expireAt === null) return invalid('Invalid value at \'expire_time\' (type.googleapis.com/google.protobuf.Timestamp).');
    if (newSessionExpireAt === null) {
      return invalid('Invalid value at \'new_session_expire_time\' (type.googleapis.com/google.protobuf.Timestamp).');
    }
    if (expireAt !== undefined && (expireAt <= now || expireAt - now >= MAX_LIFETIME_MS)) {
      return invalid('expire_time must be in the future and less than 20 hours from now.');
    }
    if (newSessionExpireAt !== undefined && (newSessionExpireAt <= now || newSessionExpireAt - now >= MAX_LIFETIME_MS)) {
      return invalid('new_session_expire_time must be in the future and less than 20 hours from now.');
    }
    const uses = body.uses === undefined || body.uses === null ? 1 : Number(body.uses);
    if (!Number.isInteger(uses) || uses < 0) return invalid('uses must be a non-negative integer.');
    const setup = body.bidiGenerateContentSetup;
    if (setup !== undefined && (typeof setup !== 'object' || setup === null || Array.isArray(setup))) {
      return invalid('Invalid value at \'bidi_generate_content_setup\'.');
    }
    let fieldMask = null;
    if (typeof body.fieldMask === 'string' && body.fieldMask.trim() !== '') {
      fieldMask = body.fieldMask.split(',').map((/** @type {string} */ path) => path.trim()).filter(Boolean);
    } else if (Array.isArray(body.fieldMask) && body.fieldMask.length > 0) {
      fieldMask = body.fieldMask.map(String);
    }
    /** @type {TokenRecord} */
    const token = {
      name: `auth_tokens/${randomBytes(24).toString('hex')}`,
      createdAt: now,
      expireAt: expireAt ?? now + 30 * MINUTE,
      newSessionExpireAt: newSessionExpireAt ?? now + MINUTE,
      uses,
      used: 0,
      setup: setup ? structuredClone(setup) : null,
      fieldMask,
    };
    this.tokens.set(token.name, token);
    return { ok: true, token };
  }

  /**
   * Whether a connection may use the token now.
   * @param {string} name
   * @param {{ resuming: boolean, apiVersion: string }} context
   * @returns {CheckResult}
   */
  check(name, { resuming, apiVersion }) {
    const token = this.tokens.get(name);
    if (!token) return { ok: false, why: 'unknown' };
    if (apiVersion !== 'v1alpha') return { ok: false, why: 'needs-v1alpha' };
    const now = this.now();
    if (now >= token.expireAt) return { ok: false, why: 'expired' };
    if (!resuming) {
      if (now >= token.newSessionExpireAt) return { ok: false, why: 'new-sessions-expired' };
      if (token.uses > 0 && token.used >= token.uses) return { ok: false, why: 'used-up' };
    }
    return { ok: true, token };
  }

  /** Counts a new (not resumed) session against the token's `uses`. @param {TokenRecord} token */
  consume(token) {
    token.used++;
  }

  /**
   * The setup a connection actually gets under a token's constraints.
   * @param {TokenRecord} token
   * @param {Record<string, any>} clientSetup
   * @returns {{ effective: Record<string, any>, overridden: string[] }}
   */
  applyConstraints(token, clientSetup) {
    if (!token.setup) return { effective: structuredClone(clientSetup), overridden: [] };
    /** @type {string[]} */
    const overridden = [];
    let effective;
    if (!token.fieldMask) {
      effective = structuredClone(token.setup);
      const keys = new Set([...Object.keys(clientSetup), ...Object.keys(token.setup)]);
      keys.delete('sessionResumption');
      for (const key of keys) {
        if (key in clientSetup && !deepEqual(clientSetup[key], token.setup[key])) overridden.push(key);
      }
    } else {
      effective = structuredClone(clientSetup);
      for (const path of token.fieldMask) {
        const segments = path.split('.');
        if (segments[0] === 'sessionResumption') continue;
        const locked = getPath(token.setup, segments);
        const requested = getPath(clientSetup, segments);
        if (requested !== undefined && !deepEqual(requested, locked)) overridden.push(path);
        setPath(effective, segments, locked === undefined ? undefined : structuredClone(locked));
      }
    }
    if (clientSetup.sessionResumption !== undefined) effective.sessionResumption = structuredClone(clientSetup.sessionResumption);
    return { effective, overridden };
  }

  /** @param {string} name */
  get(name) {
    return this.tokens.get(name);
  }

  reset() {
    this.tokens.clear();
  }
}

/**
 * @param {any} object
 * @param {string[]} segments
 */
function getPath(object, segments) {
  let value = object;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[segment];
  }
  return value;
}

/**
 * Sets (or with `undefined`, deletes) a nested value, creating objects on the way.
 * @param {Record<string, any>} object
 * @param {string[]} segments
 * @param {unknown} value
 */
function setPath(object, segments, value) {
  let target = object;
  for (const segment of segments.slice(0, -1)) {
    if (target[segment] === null || typeof target[segment] !== 'object') {
      if (value === undefined) return;
      target[segment] = {};
    }
    target = target[segment];
  }
  const last = segments[segments.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
}

/**
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
export function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((key) => deepEqual(/** @type {any} */ (a)[key], /** @type {any} */ (b)[key]));
}
