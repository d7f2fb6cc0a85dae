// @ts-check
/**
 * Recognises the simulator's URLs.
 *
 * The SDK joins its base URL and the socket path with an extra slash
 * (`ws://host//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=…`), and
 * `new URL('//ws/…', base)` would read "ws" as a host name, so raw request targets are split by hand and
 * repeated slashes collapsed before matching. A base URL with a path puts a prefix before `/ws/`.
 */

const LIVE_PATH =
  /^(?<prefix>.*?)\/ws\/google\.ai\.generativelanguage\.(?<version>[A-Za-z0-9]+)\.GenerativeService\.(?<method>[A-Za-z]+)$/;
const TOKENS_PATH = /^(?<prefix>.*?)\/(?<version>v1|v1beta|v1alpha)\/auth_tokens$/;

export const API_VERSIONS = Object.freeze(['v1', 'v1beta', 'v1alpha']);
export const LIVE_METHODS = Object.freeze(['BidiGenerateContent', 'BidiGenerateContentConstrained']);

/**
 * Splits a raw request target into a normalised path and its query.
 * @param {string | undefined} target e.g. "//ws/…?key=k"
 */
export function splitTarget(target) {
  const raw = target ?? '/';
  const queryAt = raw.indexOf('?');
  const rawPath = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  let path = rawPath.replace(/\/{2,}/g, '/');
  if (!path.startsWith('/')) path = `/${path}`;
  try {
    path = decodeURI(path);
  } catch {
    // Keep the undecoded path; it simply will not match.
  }
  return { path, query };
}

/**
 * @typedef {object} LiveRoute
 * @property {string} path normalised path
 * @property {string} prefix anything before "/ws/"
 * @property {string} apiVersion as written in the path
 * @property {string} method "BidiGenerateContent" or "BidiGenerateContentConstrained" (or whatever was asked)
 * @property {boolean} supported whether version and method exist
 * @property {string | null} key `?key=`
 * @property {string | null} accessToken `?access_token=`
 */

/**
 * @param {string | undefined} target raw `req.url`
 * @returns {LiveRoute | null} null when the path is not a Live socket path at all
 */
export function matchLiveRoute(target) {
  const { path, query } = splitTarget(target);
  const match = LIVE_PATH.exec(path);
  if (!match?.groups) return null;
  const { prefix, version, method } = match.groups;
  return {
    path,
    prefix,
    apiVersion: version,
    method,
    supported: API_VERSIONS.includes(version) && LIVE_METHODS.includes(method),
    key: query.get('key'),
    accessToken: query.get('access_token'),
  };
}

/**
 * @typedef {{ kind: 'tokens', apiVersion: string, prefix: string }
 *   | { kind: 'control' }
 *   | { kind: 'connections', id: string | null }
 *   | { kind: 'health' }} RestRoute
 */

/**
 * @param {string | undefined} target raw `req.url`
 * @param {{ controlRoutes: boolean }} options
 * @returns {RestRoute | null}
 */
export function matchRestRoute(target, { controlRoutes }) {
  const { path } = splitTarget(target);
  const tokens = TOKENS_PATH.exec(path);
  if (tokens?.groups) return { kind: 'tokens', apiVersion: tokens.groups.version, prefix: tokens.groups.prefix };
  if (!controlRoutes) return null;
  if (path === '/__sim/control') return { kind: 'control' };
  if (path === '/__sim/health') return { kind: 'health' };
  if (path === '/__sim/connections') return { kind: 'connections', id: null };
  const one = /^\/__sim\/connections\/([^/]+)$/.exec(path);
  if (one) return { kind: 'connections', id: one[1] };
  return null;
}
