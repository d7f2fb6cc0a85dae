// @ts-check
/**
 * What the simulator observed on each connection, for test assertions. Records are plain JSON-serialisable
 * objects, updated in place while the connection lives and kept after it closes.
 */

/** Timelines stop growing here so a long demo session cannot exhaust memory; counters keep counting. */
export const TIMELINE_LIMIT = 5000;

/**
 * @typedef {object} ConnectionRecord
 * @property {string} id "c1", "c2", … in order of arrival
 * @property {string} url the raw request target, e.g. "//ws/google.ai…BidiGenerateContent?key=sim-key"
 * @property {string} path normalised path
 * @property {string} apiVersion
 * @property {string} method "BidiGenerateContent" | "BidiGenerateContentConstrained"
 * @property {number} openedAt epoch ms
 * @property {{ kind: 'key' | 'token' | 'none', credential: string | null, ok: boolean | null, error: string | null }} auth
 *   `error`: 'missing' | 'bad-key' | 'token-on-key-method' | 'key-on-token-method' | 'unknown' | 'expired' |
 *   'new-sessions-expired' | 'used-up' | 'needs-v1alpha'
 * @property {Record<string, any> | null} setup the setup exactly as received
 * @property {Record<string, any> | null} effectiveSetup after ephemeral-token constraints
 * @property {string[]} overriddenFields setup paths whose requested values a token's lock replaced
 * @property {string | null} model effective model without the "models/" prefix
 * @property {boolean} setupCompleteSent
 * @property {{ id: string | null, resumed: boolean, resumedWith: string | null, handlesIssued: string[] }} session
 * @property {{ chunks: number, bytes: number, seconds: number, mimeTypes: string[], firstAt: number | null, lastAt: number | null, maxGapMs: number, soundChunks: number }} audio
 *   realtime audio input; `firstAt`/`lastAt`: epoch ms of the first and last chunk; `maxGapMs`: the longest wait
 *   between two chunks; `soundChunks`: chunks with any sample above -60 dBFS
 * @property {{ count: number, bytes: number, frames: Array<{ at: number, bytes: number, mimeType: string }> }} video
 * @property {Array<{ at: number, via: 'clientContent' | 'realtimeInput', text: string, turnComplete?: boolean }>} texts
 * @property {Array<{ at: number, functionResponses: unknown, matched: boolean }>} toolResponses
 * @property {Array<{ id: string, name: string, args: Record<string, unknown>, at: number, status: 'pending' | 'answered' | 'cancelled', behavior: 'blocking' | 'non-blocking', scheduling?: string }>} toolCalls
 *   `scheduling`: how a non-blocking call's result was taken up (INTERRUPT, WHEN_IDLE, SILENT)
 * @property {Array<{ at: number, update: Record<string, any> }>} contextUpdates `contextUpdate` messages
 * @property {Array<{ at: number, type: string, seconds?: number }>} activity activityStart/End, audioStreamEnd,
 *   the simulator's own speechStart/speechEnd detections, and simulatedSpeech from the control API
 * @property {{ user: number, model: number, interrupted: number }} turns
 * @property {{ total: number, byType: Record<string, number> }} received client messages
 * @property {{ total: number, byType: Record<string, number>, timeline: Array<{ at: number, type: string }> }} sent
 *   server messages ("audio", "outputTranscription", "turnComplete", …)
 * @property {Array<{ at: number, action: string }>} faults control actions applied to this connection
 * @property {string[]} notes protocol oddities the simulator tolerated
 * @property {number | null} refusedWithStatus HTTP status if the upgrade itself was refused
 * @property {{ code: number, reason: string, initiatedBy: 'server' | 'client', at: number } | null} close
 *   server-initiated: the code the server sent (1006 for a drop); client-initiated: the code received
 *   (1005 when the client sent none, as `session.close()` does)
 */

/**
 * @param {{ id: string, url: string, route: import('./routes.js').LiveRoute }} init
 * @returns {ConnectionRecord}
 */
export function createRecord({ id, url, route }) {
  const credential = route.accessToken ?? route.key;
  return {
    id,
    url,
    path: route.path,
    apiVersion: route.apiVersion,
    method: route.method,
    openedAt: Date.now(),
    auth: {
      kind: route.method === 'BidiGenerateContentConstrained' ? 'token' : credential ? 'key' : 'none',
      credential,
      ok: null,
      error: null,
    },
    setup: null,
    effectiveSetup: null,
    overriddenFields: [],
    model: null,
    setupCompleteSent: false,
    session: { id: null, resumed: false, resumedWith: null, handlesIssued: [] },
    audio: { chunks: 0, bytes: 0, seconds: 0, mimeTypes: [], firstAt: null, lastAt: null, maxGapMs: 0, soundChunks: 0 },
    video: { count: 0, bytes: 0, frames: [] },
    texts: [],
    toolResponses: [],
    toolCalls: [],
    contextUpdates: [],
    activity: [],
    turns: { user: 0, model: 0, interrupted: 0 },
    received: { total: 0, byType: {} },
    sent: { total: 0, byType: {}, timeline: [] },
    faults: [],
    notes: [],
    refusedWithStatus: null,
    close: null,
  };
}

/**
 * @param {ConnectionRecord} record
 * @param {string} type
 */
export function noteSent(record, type) {
  record.sent.total++;
  record.sent.byType[type] = (record.sent.byType[type] ?? 0) + 1;
  if (record.sent.timeline.length < TIMELINE_LIMIT) record.sent.timeline.push({ at: sinceOpen(record), type });
}

/**
 * @param {ConnectionRecord} record
 * @param {string} type
 */
export function noteReceived(record, type) {
  record.received.total++;
  record.received.byType[type] = (record.received.byType[type] ?? 0) + 1;
}

/** Milliseconds since the connection opened. @param {ConnectionRecord} record */
export function sinceOpen(record) {
  return Date.now() - record.openedAt;
}
