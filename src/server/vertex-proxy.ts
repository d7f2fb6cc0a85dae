import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { describeError } from './errors.js';
import { bareModelId } from './models.js';
import { cachedImport } from '../shared/cached-import.js';
import { canonicalOrigin } from './origins.js';
import { VertexRelay, type RelayContext } from './vertex-relay.js';

/** Options for {@link createVertexProxy}. */
export interface VertexProxyOptions {
  /**
   * Google Cloud project. The setup's model is rewritten to `projects/P/locations/L/publishers/google/models/M`.
   * Default: the project of the default credentials (when `getAccessToken` is not overridden); when none can be
   * found the model is forwarded as the browser sent it.
   */
  project?: string;
  /** Vertex AI location. Default `us-central1`; `global` uses `aiplatform.googleapis.com`. */
  location?: string;
  /** Vertex AI API version of the Live endpoint. Default `v1beta1`. */
  apiVersion?: string;
  /**
   * Full upstream WebSocket URL. Default `wss://{location}-aiplatform.googleapis.com/ws/google.cloud.aiplatform.
   * {apiVersion}.LlmBidiService/BidiGenerateContent` (without the line break).
   */
  upstreamUrl?: string;
  /**
   * Supplies the OAuth access token sent upstream as `Authorization: Bearer …`. Default: Google's Application
   * Default Credentials via `google-auth-library` (`GoogleAuth`, cloud-platform scope), which caches and
   * refreshes the token.
   */
  getAccessToken?: () => string | Promise<string>;
  /**
   * Model every session uses, whatever the browser asks for (Vertex and Gemini model ids differ, e.g.
   * `gemini-live-2.5-flash-native-audio`). Default: the browser's.
   */
  model?: string;
  /**
   * Exact origins allowed to connect. A browser upgrade whose `Origin` is not listed gets 403. Without the list
   * any web page able to reach the proxy can spend your quota: set it, or check callers in `authorize`.
   */
  allowedOrigins?: readonly string[];
  /**
   * Your own admission check, given the upgrade request and the credential the browser put in the URL
   * (`key=` or `access_token=`, e.g. a ticket your app issued). Return `false` to answer 401. The credential is
   * never forwarded upstream either way.
   */
  authorize?: (request: IncomingMessage, credential: string | undefined) => boolean | Promise<boolean>;
  /** Extra headers sent upstream (for example `x-goog-user-project`). Browser headers are never forwarded. */
  headers?: Record<string, string>;
  /** Largest WebSocket message accepted from either side, in bytes. Default 16 MiB. */
  maxPayload?: number;
  /** Milliseconds allowed for obtaining the token and opening the upstream connection. Default 15 000. */
  connectTimeoutMs?: number;
  /** Called with failures on either side (never with credentials in the message). Default: `console.error`. */
  onError?: (error: Error) => void;
}

/** A running proxy server started by {@link VertexProxy.listen}. */
export interface VertexProxyServer {
  /** The underlying Node HTTP server. */
  readonly server: Server;
  /** The port it listens on. */
  readonly port: number;
  /** `http://host:port`: give it to the element as `api-base-url`. */
  readonly url: string;
  /** Closes every relayed session (1001) and the server. */
  close(): Promise<void>;
}

/** A WebSocket relay from browsers speaking the Gemini Live protocol to the Vertex AI Live API. */
export interface VertexProxy {
  /**
   * Handles an HTTP upgrade: pass it everything your `http.Server`'s `'upgrade'` event gives you. Paths other
   * than the Live API's (`…/ws/google.ai.generativelanguage.*.GenerativeService.BidiGenerateContent*`, any
   * prefix) are answered 404, so route other WebSocket endpoints before calling this.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Starts a dedicated HTTP server on `port` (default 0: any free port) and `host` (default: every interface,
   * as `server.listen` does) that accepts only Live API upgrades and answers plain HTTP with 426.
   */
  listen(port?: number, host?: string): Promise<VertexProxyServer>;
  /** Closes every relayed session with 1001 ("going away"); the proxy can still accept new ones afterwards. */
  close(): Promise<void>;
  /** Sessions currently being relayed. */
  readonly connections: number;
}

type WsModule = typeof import('ws');

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const LIVE_PATH = /\/ws\/google\.ai\.generativelanguage\.[\w.]+\.GenerativeService\.BidiGenerateContent(Constrained)?$/;
const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Creates a WebSocket proxy that lets `<gemini-live>` talk to Gemini on **Vertex AI** with the server's Google
 * Cloud credentials. The browser's SDK connects as if to the Gemini Developer API (point the element's
 * `api-base-url` at the proxy); the proxy opens the Vertex Live endpoint with `Authorization: Bearer <token>`,
 * rewrites the setup's model to the Vertex resource name, and relays every frame both ways, keeping text and
 * binary frames as they are and relaying close codes and reasons. Credentials in the browser's URL are never
 * forwarded. A failure on one side closes the other (1011 when the upstream fails) and never throws.
 *
 * Node only (it uses `ws`, loaded on first use, and `google-auth-library` unless `getAccessToken` is given).
 *
 * @example Standalone
 * ```ts
 * import { createVertexProxy } from 'gemini-live/server';
 * const proxy = createVertexProxy({
 *   project: 'my-project',
 *   location: 'us-central1',
 *   model: 'gemini-live-2.5-flash-native-audio',
 *   allowedOrigins: ['https://app.example.com'],
 * });
 * const { url } = await proxy.listen(8081);
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
  const location = options.location ?? 'us-central1';
  const apiVersion = options.apiVersion ?? 'v1beta1';
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  const upstreamUrl =
    options.upstreamUrl ??
    `wss://${host}/ws/google.cloud.aiplatform.${apiVersion}.LlmBidiService/BidiGenerateContent`;
  const maxPayload = options.maxPayload ?? 16 * 1024 * 1024;
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const allowedOrigins = options.allowedOrigins ? new Set(options.allowedOrigins.map(canonicalOrigin)) : undefined;
  const forcedModel = options.model ? bareModelId(options.model) : undefined;

  const report = (error: Error) => {
    try {
      (options.onError ?? ((e: Error) => console.error(e.message)))(error);
    } catch {
      // A failing logger must not take the proxy down.
    }
  };

  const loadWs: () => Promise<WsModule> = cachedImport(() => import('ws'));

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

  let server: WebSocketServer | undefined;
  const relays = new Set<VertexRelay>();

  const modelFor = (requested: unknown, projectId: string | undefined): string | undefined => {
    const id = forcedModel ?? (typeof requested === 'string' ? bareModelId(requested) : undefined);
    if (!id) return undefined;
    if (projectId) return `projects/${projectId}/locations/${location}/publishers/google/models/${id}`;
    return forcedModel ? `publishers/google/models/${id}` : (requested as string);
  };

  /** Rewrites the model of a `setup` message; anything else is forwarded untouched. */
  const rewriteSetup = (data: Buffer, projectId: string | undefined): Buffer => {
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return data;
    }
    const setup = (message as { setup?: Record<string, unknown> } | null)?.setup;
    if (!setup || typeof setup !== 'object') return data;
    const model = modelFor(setup.model, projectId);
    if (model === undefined || model === setup.model) return data;
    setup.model = model;
    return Buffer.from(JSON.stringify(message), 'utf8');
  };

  const accept = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
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

    const module = await loadWs();
    if (socket.destroyed) return;
    server ??= new module.WebSocketServer({
      noServer: true,
      maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
    });
    const context: RelayContext = {
      ws: module,
      upstreamUrl,
      headers: options.headers,
      maxPayload,
      connectTimeoutMs,
      getAccessToken,
      getProject,
      rewriteSetup,
      report,
    };
    server.handleUpgrade(request, socket, head, (client) => {
      const relay = new VertexRelay(context, client);
      relays.add(relay);
      void relay.closed.then(() => relays.delete(relay));
    });
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

    async listen(port = 0, hostname?: string) {
      const [{ createServer }] = await Promise.all([import('node:http'), loadWs()]);
      const httpServer = createServer((_request, response) => {
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
      const shownHost = !hostname || hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname;
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

    get connections() {
      return relays.size;
    },
  };
  return proxy;
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
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  socket.once('finish', () => socket.destroy());
}
