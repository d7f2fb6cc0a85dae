import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TrustProxy } from './client-address.js';

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
   * {apiVersion}.LlmBidiService/BidiGenerateContent` (without the line break). Browsers' frames go upstream
   * with the masking key each browser chose: masking guards plain-text intermediaries, which `wss://` has none
   * of, so give a plain `ws://` URL only for an upstream on the same machine or network (a stand-in for tests).
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
   * `gemini-live-2.5-flash-native-audio`). Default: the browser's, which may then only be `models/<id>` or a
   * bare id (letters, digits, `.`, `_`, `-`), never a resource path.
   */
  model?: string;
  /**
   * Your admission check, given the upgrade request and the credential the browser put in the URL (`key=` or
   * `access_token=`, e.g. a short-lived ticket your app issued, or the session cookie on `request`). Return
   * `false` to answer 401. The credential is never forwarded upstream either way. Required unless
   * `allowUnauthenticated` is set: it is what stops scripts, which can send any `Origin` they like.
   */
  authorize?: (request: IncomingMessage, credential: string | undefined) => boolean | Promise<boolean>;
  /**
   * Runs the proxy without `authorize`: anyone who can reach it spends your Google Cloud quota. For local
   * development only; a warning is logged when the proxy is created.
   */
  allowUnauthenticated?: boolean;
  /**
   * Exact origins allowed to connect, a second layer behind `authorize`: a browser upgrade whose `Origin` is
   * not listed gets 403, so other web sites cannot use a visitor's cookies on the proxy. Requests without
   * `Origin` (scripts, not browsers) are left to `authorize`.
   */
  allowedOrigins?: readonly string[];
  /**
   * Which proxies in front may name the client for `maxConnectionsPerClient`: a number of proxies appending to
   * `X-Forwarded-For`, or a header such as `'cf-connecting-ip'`. Default: the socket address.
   */
  trustProxy?: TrustProxy;
  /** Sessions relayed at once, from everyone; more are answered 503. Default 100. */
  maxConnections?: number;
  /** Sessions relayed at once for one client address; more are answered 429. Default 4. */
  maxConnectionsPerClient?: number;
  /** Milliseconds without a frame in either direction after which a session is closed (1001). Default 300 000. */
  idleTimeoutMs?: number;
  /**
   * Bytes waiting to be sent to one side above which the proxy stops reading from the other side, until it
   * drains to half. Default 1 MiB.
   */
  highWaterMark?: number;
  /**
   * Milliseconds a side over `highWaterMark` may go without taking any data before the session is closed: a
   * browser that stops reading gets 1008, a stalled upstream 1013. One that drains slowly is waited for.
   * Default 10 000.
   */
  stallTimeoutMs?: number;
  /** Extra headers sent upstream (for example `x-goog-user-project`). Browser headers are never forwarded. */
  headers?: Record<string, string>;
  /**
   * Largest WebSocket message accepted from either side, in bytes; larger closes the side that sent it (1009).
   * A browser's message in fragments counts 256 bytes more for each (at most 1,024), and so do the messages a
   * browser sends before the upstream is open, which may total this much. Default 16 MiB.
   */
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
   * Starts a dedicated HTTP server on `port` (default 0: any free port) and `host` (default `127.0.0.1`; pass
   * `'0.0.0.0'` or `'::'` to accept other machines) that accepts only Live API upgrades. Plain HTTP is answered
   * 426, except `GET /healthz`, the load balancer's health check: 200 `ok`, or 503 `draining` once
   * {@link drain} has been called.
   */
  listen(port?: number, host?: string): Promise<VertexProxyServer>;
  /** Closes every relayed session with 1001 ("going away"); the proxy can still accept new ones afterwards. */
  close(): Promise<void>;
  /**
   * Empties this instance for a rolling deploy without dropping a conversation. From the call on, new sessions
   * are refused with 503 (and `listen()`'s `/healthz` answers 503, so a load balancer stops sending any). Each
   * relayed session is closed with 1012 ("Service restart") at a moment that loses nothing: once Vertex AI has
   * been quiet for a quarter of a second, so everything it sent, the newest resumption handle included, has
   * been forwarded first; and audio the browser sent before it read the close still goes upstream. The element
   * then resumes through another instance with that handle and sends the microphone audio captured meanwhile.
   *
   * Resolves when every session has closed, or at `timeoutMs` (default 25 000), when the sessions left are sent
   * their 1012 at once and given up to a second to answer it. Called again, returns the same promise; the
   * proxy refuses new sessions for good.
   */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** `true` once {@link drain} has been called. */
  readonly draining: boolean;
  /** Sessions currently being relayed. */
  readonly connections: number;
}
