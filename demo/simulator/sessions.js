// @ts-check
import { randomBytes } from 'node:crypto';

/**
 * Conversations that outlive a connection. Every `sessionResumptionUpdate` hands out a new handle for the
 * session; a later connection whose `setup.sessionResumption.handle` names it continues that conversation.
 */

/**
 * @typedef {object} HistoryEntry
 * @property {'user' | 'model'} role
 * @property {string} text what was said (for audio, a description of it)
 * @property {boolean} [interrupted]
 */

/**
 * @typedef {object} Session
 * @property {string} id
 * @property {number} createdAt
 * @property {HistoryEntry[]} history
 * @property {number} userTurns completed user turns
 * @property {number} modelTurns model turns (completed or interrupted)
 * @property {boolean} introduced whether the persona has introduced itself
 * @property {number} connections connections that used this session
 * @property {number} promptTokens tokens the conversation has accumulated as context
 */

export class SessionStore {
  /**
   * @param {{ handleTtlMs?: number, now?: () => number }} [options]
   */
  constructor({ handleTtlMs = 2 * 60 * 60_000, now = Date.now } = {}) {
    this.handleTtlMs = handleTtlMs;
    this.now = now;
    this.nextId = 1;
    /** @type {Map<string, { session: Session, issuedAt: number }>} */
    this.handles = new Map();
  }

  /** @returns {Session} */
  create() {
    return {
      id: `s${this.nextId++}`,
      createdAt: this.now(),
      history: [],
      userTurns: 0,
      modelTurns: 0,
      introduced: false,
      connections: 0,
      promptTokens: 0,
    };
  }

  /**
   * @param {Session} session
   * @returns {string}
   */
  issueHandle(session) {
    const handle = `sim-handle-${session.id}-${randomBytes(9).toString('base64url')}`;
    this.handles.set(handle, { session, issuedAt: this.now() });
    return handle;
  }

  /**
   * @param {string} handle
   * @returns {Session | null} the session, unless the handle is unknown or older than the TTL
   */
  resolve(handle) {
    const entry = this.handles.get(handle);
    if (!entry) return null;
    if (this.now() - entry.issuedAt > this.handleTtlMs) {
      this.handles.delete(handle);
      return null;
    }
    return entry.session;
  }

  /** Makes a handle unusable (for tests of expired handles). @param {string} handle */
  expire(handle) {
    return this.handles.delete(handle);
  }

  reset() {
    this.handles.clear();
  }
}
