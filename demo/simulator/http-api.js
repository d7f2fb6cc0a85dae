// @ts-check
import { CONTROL_HEADER, originAllowed, refuseControlRequest } from './request-guard.js';
import { matchRestRoute, splitTarget } from './routes.js';
import { Reason } from './wire.js';

/**
 * @typedef {import('node:http').IncomingMessage} IncomingMessage
 * @typedef {import('node:http').ServerResponse} ServerResponse
 * @typedef {import('./options.js').Settings} Settings
 * @typedef {import('./tokens.js').TokenStore} TokenStore
 * @typedef {import('./control.js').SimulatorControl} SimulatorControl
 * @typedef {import('./records.js').ConnectionRecord} ConnectionRecord
 */

const MAX_BODY_BYTES = 4 << 20;

/**
 * @typedef {object} HttpApiHost
 * @property {Settings} settings
 * @property {TokenStore} tokens
 * @property {SimulatorControl} control
 * @property {ConnectionRecord[]} records
 * @property {() => number} openConnections
 * @property {(line: string) => void} log
 */

/**
 * The simulator's REST side: the ephemeral-token endpoint the SDK's `authTokens.create` calls and the
 * `/__sim/*` test-control routes.
 * @param {HttpApiHost} host
 * @returns {(req: IncomingMessage, res: ServerResponse) => boolean}
 */
export function createHttpHandler(host) {
  return function handleRequest(req, res) {
    const route = matchRestRoute(req.url, { controlRoutes: host.settings.controlRoutes });
    if (!route) return false;
    const allowedOrigin = originAllowed(req, host.settings);
    if (host.settings.cors && allowedOrigin) addCorsHeaders(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(allowedOrigin ? 204 : 403).end();
      return true;
    }
    const refusal = route.kind === 'tokens' ? (allowedOrigin ? null : { status: 403, error: 'Cross-origin' }) : refuseControlRequest(req, host.settings);
    if (refusal) {
      sendJson(res, refusal.status, { ok: false, error: refusal.error });
      return true;
    }
    handle(host, route, req, res).catch((error) => {
      host.log(`HTTP ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : error}`);
      if (!res.headersSent) sendJson(res, 500, googleError(500, Reason.INTERNAL, 'INTERNAL'));
      else res.destroy();
    });
    return true;
  };
}

/**
 * @param {HttpApiHost} host
 * @param {import('./routes.js').RestRoute} route
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
async function handle(host, route, req, res) {
  switch (route.kind) {
    case 'tokens':
      return createToken(host, route.apiVersion, req, res);
    case 'health':
      return sendJson(res, 200, { ok: true, connections: host.records.length, open: host.openConnections() });
    case 'connections': {
      if (req.method !== 'GET') return sendJson(res, 405, { ok: false, error: 'Use GET' });
      if (route.id === null) return sendJson(res, 200, { connections: host.records });
      const record = route.id === 'latest' ? host.records[host.records.length - 1] : host.records.find((r) => r.id === route.id);
      return record ? sendJson(res, 200, record) : sendJson(res, 404, { ok: false, error: `No connection "${route.id}"` });
    }
    case 'control': {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: 'Use POST with a JSON body' });
      let body;
      try {
        body = JSON.parse((await readBody(req)) || '{}');
      } catch {
        return sendJson(res, 400, { ok: false, error: 'Body is not JSON' });
      }
      try {
        const result = await host.control.act(body);
        return sendJson(res, 200, { ok: true, ...result });
      } catch (error) {
        return sendJson(res, 400, { ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

/**
 * `POST /v1alpha/auth_tokens` with the API key in `x-goog-api-key` (or `?key=`).
 * @param {HttpApiHost} host
 * @param {string} apiVersion
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
async function createToken(host, apiVersion, req, res) {
  if (req.method !== 'POST' || apiVersion !== 'v1alpha') {
    // The service only has auth_tokens.create, and only in v1alpha.
    return sendJson(res, 404, googleError(404, 'Method not found.', 'NOT_FOUND'));
  }
  const header = req.headers['x-goog-api-key'];
  const key = (Array.isArray(header) ? header[0] : header) ?? splitTarget(req.url).query.get('key');
  if (!key) {
    return sendJson(
      res,
      403,
      googleError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        'PERMISSION_DENIED',
      ),
    );
  }
  if (!host.settings.apiKeys.includes(key)) {
    return sendJson(res, 400, googleError(400, Reason.BAD_KEY, 'INVALID_ARGUMENT', 'API_KEY_INVALID'));
  }
  let body;
  try {
    body = JSON.parse((await readBody(req)) || '{}');
  } catch {
    return sendJson(res, 400, googleError(400, 'Invalid JSON payload received.', 'INVALID_ARGUMENT'));
  }
  const result = host.tokens.create(body);
  if (!result.ok) return sendJson(res, result.status, googleError(result.status, result.message, result.grpcStatus));
  const { token } = result;
  host.log(`token ${token.name} (uses ${token.uses}, locked ${token.setup ? (token.fieldMask ?? ['everything']).join(',') : 'nothing'})`);
  return sendJson(res, 200, tokenResponse(token, host.settings.tokenResponse));
}

/**
 * The SDK's `AuthToken` type documents expireTime, newSessionExpireTime and uses as "input only", so the
 * service answers with the name alone unless asked for more.
 * @param {import('./tokens.js').TokenRecord} token
 * @param {'name' | 'full'} shape
 */
export function tokenResponse(token, shape) {
  if (shape === 'name') return { name: token.name };
  return {
    name: token.name,
    expireTime: new Date(token.expireAt).toISOString(),
    newSessionExpireTime: new Date(token.newSessionExpireAt).toISOString(),
    uses: token.uses,
  };
}

/**
 * Google's JSON error envelope.
 * @param {number} code
 * @param {string} message
 * @param {string} status
 * @param {string} [reason] ErrorInfo reason
 */
function googleError(code, message, status, reason) {
  return {
    error: {
      code,
      message,
      status,
      ...(reason
        ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] }
        : {}),
    },
  };
}

/**
 * @param {IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/**
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
function addCorsHeaders(req, res) {
  const origin = req.headers.origin;
  res.setHeader('access-control-allow-origin', origin ?? '*');
  if (origin) res.setHeader('vary', 'origin');
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  const requested = req.headers['access-control-request-headers'];
  res.setHeader('access-control-allow-headers', requested ?? `content-type, x-goog-api-key, x-goog-api-client, ${CONTROL_HEADER}`);
  res.setHeader('access-control-max-age', '600');
}
