// @ts-check
/**
 * Who may talk to the simulator from a browser. The simulator runs on a developer's machine, so a web page the
 * developer happens to visit must not drive it: its control routes and Live sockets accept pages from their own
 * origin and, when `cors` is on (the standalone default, for test pages on other local ports), from loopback
 * origins only. Requests without an `Origin` (Node, curl, the SDK in Node) are not browsers' and pass.
 */

/** The header a control request must carry: a custom header cannot be sent cross-origin without a preflight. */
export const CONTROL_HEADER = 'x-sim-control';

/** Largest junk frame and number of junk frames one control request may ask for. */
export const MAX_JUNK_BYTES = 8 << 20;
export const MAX_JUNK_COUNT = 100;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * @param {string} hostname as `URL#hostname` writes it (IPv6 in brackets)
 */
export function isLoopbackHostname(hostname) {
  return LOOPBACK.has(hostname.toLowerCase()) || hostname.toLowerCase().endsWith('.localhost');
}

/**
 * Whether the request's `Origin` (if any) may use the simulator.
 * @param {import('node:http').IncomingMessage} req
 * @param {{ cors: boolean }} settings
 */
export function originAllowed(req, settings) {
  const origin = req.headers.origin;
  if (origin === undefined) {
    // Browsers that send Fetch metadata but no Origin (a GET navigation) still say where they come from.
    const site = req.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.host === req.headers.host) return true;
  return settings.cors && url.protocol === 'http:' && isLoopbackHostname(url.hostname);
}

/**
 * Checks a request for a control route: a permitted origin and, for POST, JSON with {@link CONTROL_HEADER}
 * (which a cross-site `text/plain` form or `fetch` cannot add without a preflight the simulator refuses).
 * @param {import('node:http').IncomingMessage} req
 * @param {{ cors: boolean }} settings
 * @returns {{ status: number, error: string } | null} null when allowed
 */
export function refuseControlRequest(req, settings) {
  if (!originAllowed(req, settings)) return { status: 403, error: 'Cross-origin requests to the simulator are refused' };
  if (req.method !== 'POST') return null;
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, error: 'Use Content-Type: application/json' };
  if (req.headers[CONTROL_HEADER] === undefined) return { status: 403, error: `Add the ${CONTROL_HEADER} header` };
  return null;
}
