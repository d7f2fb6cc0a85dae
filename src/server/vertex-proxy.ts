import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { cachedImport } from '../shared/cached-import.js';
import { boundedKey, checkTrustProxy, clientAddress, headerValue } from './client-address.js';
import { ConnectionCaps } from './connection-caps.js';
import { describeError } from './errors.js';
import { bareModelId } from './models.js';
import { canonicalOrigin } from './origins.js';
import type { VertexProxy, VertexProxyOptions } from './vertex-proxy-types.js';
import { VertexRelay, type RelayContext } from './vertex-relay.js';
import { acceptUpgrade } from './ws-handshake.js';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const LIVE_PATH = /\/ws\/google\.ai\.generativelanguage\.[\w.]+\.GenerativeService\.BidiGenerateContent(Constrained)?$/;
const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Creates a WebSocket proxy that lets `<gemini-live>` talk to Gemini on **Vertex AI** with the server's Google
 * Cloud credentials. The browser's SDK connects as if to the Gemini Developer API (point the element's
 * `api-base-url` at the proxy); the proxy opens the Vertex Live endpoint with `Authorization: Bearer <token>`,
 * rewrites the setup's model to the Vertex resource name, and relays every frame both ways, keeping text and
 * binary frames as they are and relaying close codes and reasons (scrubbed of anything credential-like).
 * Credentials in the browser's URL are never forwarded. A failure on one side closes the other (1011 when the
 * upstream fails) and never throws.
 *
 * Safe by default: `authorize` is required (or `allowUnauthenticated: true`, for local development), sessions
 * are capped in total and per client, idle ones closed, and `listen()` binds 127.0.0.1 unless told otherwise.
 * Every browser message is checked before it goes on: the first must be a `setup`, which is re-serialised with
 * the model rewritten; a second `setup` is refused. Other frames go on exactly as they arrived, whole. Each
 * direction stops reading while the other side's send buffer is over `highWaterMark`, so a peer that stops
 * reading cannot make the proxy buffer without bound.
 * `drain()` empties an instance for a rolling deploy: each conversation resumes through another instance.
 *
 * Node only: it speaks WebSocket itself over Node's sockets, and loads `google-auth-library` on first use unless
 * `getAccessToken` is given.
 *
 * @example Standalone
 * ```ts
 * import { createVertexProxy } from 'gemini-live/server';
 * const proxy = createVertexProxy({
 *   project: 'my-project',
 *   location: 'us-central1',
 *   model: 'gemini-live-2.5-flash-native-audio',
 *   // Your check: here a short-lived ticket your app handed the signed-in page, sent as the element's api-key.
 *   authorize: (request, ticket) => tickets.redeem(ticket),
 *   allowedOrigins: ['https://app.example.com'],
 * });
 * const { url } = await proxy.listen(8081, '0.0.0.0');
 * // <gemini-live api-base-url="https://live.example.com" api-key="unused"> (TLS terminated in front of it)
 * ```
 *
 * @example On an existing server (Express included)
 * ```ts
 * const server = app.listen(8080);
 * server.on('upgrade', (req, socket, head) => proxy.handleUpgrade(req, socket, head));
 * ```
 */
export function createVertexProxy(options: VertexProxyOptions = {}): VertexProxy {
  if (options == null || typeof options !== 'object') throw new TypeError('createVertexProxy: options are required.');
  if (typeof options.authorize !== 'function' && options.allowUnauthenticated !== true) {
    throw new TypeError(
      'createVertexProxy: pass `authorize(request, credential)` to decide who may use your Google Cloud ' +
        'credentials, or `allowUnauthenticated: true` for local development.',
    );
  }
  checkTrustProxy(options.trustProxy, 'createVertexProxy');
  const location = options.location ?? 'us-central1';
  const apiVersion = options.apiVersion ?? 'v1beta1';
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  const upstreamUrl =
    options.upstreamUrl ??
    `wss://${host}/ws/google.cloud.aiplatform.${apiVersion}.LlmBidiService/BidiGenerateContent`;
  const maxPayload = positive(options.maxPayload, 16 * 1024 * 1024, 'maxPayload');
  const connectTimeoutMs = positive(options.connectTimeoutMs, 15_000, 'connectTimeoutMs');
  const caps = new ConnectionCaps(
    positive(options.maxConnections, 100, 'maxConnections'),
    positive(options.maxConnectionsPerClient, 4, 'maxConnectionsPerClient'),
  );
  const idleTimeoutMs = positive(options.idleTimeoutMs, 300_000, 'idleTimeoutMs');
  const flow = {
    highWaterMark: positive(options.highWaterMark, 1024 * 1024, 'highWaterMark'),
    stallTimeoutMs: positive(options.stallTimeoutMs, 10_000, 'stallTimeoutMs'),
  };
  const allowedOrigins = options.allowedOrigins ? new Set(options.allowedOrigins.map(canonicalOrigin)) : undefined;
  const forcedModel = options.model ? bareModelId(options.model) : undefined;

  const report = (error: Error) => {
    try {
      (options.onError ?? ((e: Error) => console.error(e.message)))(error);
    } catch {
      // A failing logger must not take the proxy down.
    }
  };
  if (typeof options.authorize !== 'function') {
    console.warn(
      'gemini-live/server (vertex proxy): allowUnauthenticated is set — anyone who can reach this proxy spends ' +
        'your Google Cloud quota. Use it for local development only.',
    );
  }

  // Node's APIs are loaded on first use: the server's entry imports nothing Node-specific.
  const loadApis = cachedImport(
    async (): Promise<RelayContext['apis']> => {
      const [{ isUtf8 }, { createHash, randomFillSync }, http, https] = await Promise.all([
        import('node:buffer'),
        import('node:crypto'),
        import('node:http'),
        import('node:https'),
      ]);
      return { isUtf8, createHash, randomFillSync, request: (secure) => (secure ? https.request : http.request) };
    },
  );

  const loadAuth = cachedImport(() =>
    import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] })),
  );
  const getAccessToken = async (): Promise<string> => {
    if (options.getAccessToken) return String(await options.getAccessToken());
    const token = await (await loadAuth()).getAccessToken();
    if (!token) throw new Error('Application Default Credentials returned no access token.');
    return token;
  };
  let project: Promise<string | undefined> | undefined;
  const getProject = () => {
    project ??= options.project
      ? Promise.resolve(options.project)
      : options.getAccessToken
        ? Promise.resolve(undefined)
        : loadAuth()
            .then((auth) => auth.getProjectId())
            .catch(() => undefined);
    return project;
  };

  const modelName = (modelId: string, projectId: string | undefined): string => {
    if (projectId) return `projects/${projectId}/locations/${location}/publishers/google/models/${modelId}`;
    return forcedModel ? `publishers/google/models/${modelId}` : `models/${modelId}`;
  };

  const relays = new Set<VertexRelay>();
  let drained: Promise<void> | undefined;
  const contextFor = (apis: RelayContext['apis']): RelayContext => ({
    apis,
    upstreamUrl,
    headers: options.headers,
    maxPayload,
    connectTimeoutMs,
    idleTimeoutMs,
    flow,
    forcedModel,
    getAccessToken,
    getProject,
    modelName,
    report,
  });
  let context: RelayContext | undefined;

  const accept = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (drained) return rejectUpgrade(socket, 503);
    const path = collapseSlashes(request.url ?? '/');
    const query = path.indexOf('?');
    const pathname = query >= 0 ? path.slice(0, query) : path;
    if (!LIVE_PATH.test(pathname)) return rejectUpgrade(socket, 404);

    const origin = request.headers.origin;
    if (allowedOrigins && origin !== undefined && !allowedOrigins.has(origin)) return rejectUpgrade(socket, 403);

    if (options.authorize) {
      const params = new URLSearchParams(query >= 0 ? path.slice(query + 1) : '');
      const credential = params.get('key') ?? params.get('access_token') ?? undefined;
      if (!(await options.authorize(request, credential))) return rejectUpgrade(socket, 401);
    }

    const address = clientAddress(
      (name) => headerValue(request.headers[name]),
      request.socket?.remoteAddress,
      options.trustProxy,
    );
    const key = await boundedKey(address ?? 'unknown');
    const exceeded = caps.acquire(key);
    if (exceeded) return rejectUpgrade(socket, exceeded === 'total' ? 503 : 429);
    let released = false;
    const release = () => {
      if (!released) caps.release(key);
      released = true;
    };
    try {
      const apis = await loadApis();
      if (socket.destroyed) return release();
      // A drain that began while this upgrade waited refuses it, rather than relay a session it would close.
      if (drained) {
        release();
        return rejectUpgrade(socket, 503);
      }
      const accepted = acceptUpgrade(apis, request);
      if ('status' in accepted) {
        release();
        return rejectUpgrade(socket, accepted.status);
      }
      context ??= contextFor(apis);
      socket.once('close', release);
      socket.write(accepted.response);
      const relay = new VertexRelay(context, socket, head);
      relays.add(relay);
      void relay.closed.then(() => {
        relays.delete(relay);
        release();
      });
    } catch (error) {
      release();
      throw error;
    }
  };

  const proxy: VertexProxy = {
    handleUpgrade(request, socket, head) {
      socket.on('error', () => {
        // Peers resetting mid-handshake are routine; the relay reports errors once the session exists.
      });
      accept(request, socket, head).catch((error: unknown) => {
        report(new Error(`gemini-live/server (vertex proxy): upgrade failed: ${describeError(error)}`));
        rejectUpgrade(socket, 500);
      });
    },

    async listen(port = 0, hostname = '127.0.0.1') {
      const [{ createServer }] = await Promise.all([import('node:http'), loadApis()]);
      const httpServer = createServer((request, response) => {
        if (request.url?.split('?')[0] === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) {
          const status = drained ? 503 : 200;
          response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
          response.end(drained ? 'draining' : 'ok');
          return;
        }
        response.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
        response.end('This endpoint only accepts Gemini Live WebSocket connections.');
      });
      httpServer.on('upgrade', (request, socket, head) => proxy.handleUpgrade(request, socket, head));
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, hostname, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const address = httpServer.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      const shownHost = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname;
      return {
        server: httpServer,
        port: boundPort,
        url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${boundPort}`,
        async close() {
          const closing = new Promise<void>((resolve) => httpServer.close(() => resolve()));
          await proxy.close();
          httpServer.closeAllConnections?.();
          await closing;
        },
      };
    },

    async close() {
      const closing = [...relays];
      for (const relay of closing) relay.shutDown();
      await Promise.race([
        Promise.all(closing.map((relay) => relay.closed)),
        new Promise((resolve) => setTimeout(resolve, 1000).unref?.()),
      ]);
    },

    drain(drainOptions = {}) {
      drained ??= drainRelays(relays, drainTimeout(drainOptions?.timeoutMs));
      return drained;
    },

    get draining() {
      return drained !== undefined;
    },

    get connections() {
      return relays.size;
    },
  };
  return proxy;
}

/**
 * Drains every session (see {@link VertexRelay.drain}); at the timeout the ones left are sent their 1012 at
 * once, and the drain settles when they have closed (a browser that does not answer is cut off 1 s later).
 */
async function drainRelays(relays: Set<VertexRelay>, timeoutMs: number): Promise<void> {
  const allClosed = () => Promise.all([...relays].map((relay) => relay.closed)).then(() => undefined);
  for (const relay of relays) relay.drain();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = await Promise.race([
    allClosed().then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!timedOut) return;
  for (const relay of relays) relay.restartNow();
  await allClosed();
}

function drainTimeout(value: unknown): number {
  if (value === undefined) return 25_000;
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw new TypeError('VertexProxy.drain: `timeoutMs` must be a number ≥ 0.');
  }
  return value;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new TypeError(`createVertexProxy: \`${name}\` must be a positive number.`);
  }
  return value;
}

/** `//ws//x` → `/ws/x` (the SDK joins its base URL and path with a double slash). */
function collapseSlashes(url: string): string {
  const query = url.indexOf('?');
  const path = query >= 0 ? url.slice(0, query) : url;
  return path.replace(/\/{2,}/g, '/') + (query >= 0 ? url.slice(query) : '');
}

function rejectUpgrade(socket: Duplex, status: number): void {
  if (socket.destroyed) return;
  const text = STATUS_TEXT[status] ?? 'Error';
  // 426 is the answer to a WebSocket version other than 13, which names the one it speaks.
  const version = status === 426 ? 'Sec-WebSocket-Version: 13\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${version}Content-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  socket.once('finish', () => socket.destroy());
}
