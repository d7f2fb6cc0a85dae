import { Live } from '@google/genai';
import { warnIfInsecureTransport } from './insecure-transport.js';

/** The Gemini Developer API's endpoint, as the SDK's own client uses it. */
export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com/';

export interface LiveClientOptions {
  /** An ephemeral token (`auth_tokens/…`) or, in development, an API key. */
  apiKey: string;
  /** `httpOptions.baseUrl`: a proxy or a local simulator. */
  baseUrl?: string;
  /** `httpOptions.apiVersion`; the SDK's default for the Gemini API (`v1`) when unset. */
  apiVersion?: string;
}

/**
 * The part of the SDK's API client that its `Live` class reads when it talks to the Gemini Developer API.
 * `GoogleGenAI` builds the full client, and with it every REST module of the SDK (about 57 KB gzip that a voice
 * widget never runs); constructing `Live` directly keeps the connection code, the URL and the setup conversion
 * the SDK's own. A test compares what this produces with what `GoogleGenAI` produces.
 */
class LiveApiClient {
  constructor(private readonly options: LiveClientOptions) {}

  isVertexAI(): boolean {
    return false;
  }

  getApiKey(): string {
    return this.options.apiKey;
  }

  getApiVersion(): string {
    return this.options.apiVersion ?? 'v1';
  }

  getBaseUrl(): string {
    return this.options.baseUrl ?? GEMINI_BASE_URL;
  }

  getCustomBaseUrl(): string | undefined {
    return this.options.baseUrl;
  }

  getWebsocketBaseUrl(): string {
    const url = new URL(this.getBaseUrl());
    url.protocol = url.protocol === 'http:' ? 'ws' : 'wss';
    return url.toString();
  }

  getHeaders(): Record<string, string> {
    // Browsers cannot set WebSocket headers; credentials travel in the URL.
    return {};
  }

  getProject(): undefined {
    return undefined;
  }

  getLocation(): undefined {
    return undefined;
  }
}

/** The part of a WebSocket factory the SDK calls. */
interface SocketFactory {
  create(url: string, headers: Record<string, string>, callbacks: unknown): unknown;
}

/** What the SDK is given as its key when the credential is an ephemeral token (see {@link tokenSockets}). */
const TOKEN_STAND_IN = 'ephemeral-token';

/** Creates the SDK's `Live` module for one connection, with our WebSocket factory. */
export function createLive(options: LiveClientOptions, webSocketFactory: SocketFactory): Live {
  warnIfInsecureTransport(options.baseUrl);
  const token = options.apiKey.startsWith('auth_tokens/') ? options.apiKey : undefined;
  if (token && options.apiVersion !== 'v1alpha') {
    console.warn(`<gemini-live>: ephemeral tokens work on API version v1alpha only, not ${options.apiVersion ?? 'v1'}.`);
  }
  const LiveClass = Live as unknown as new (apiClient: unknown, auth: unknown, factory: unknown) => Live;
  return token
    ? new LiveClass(new LiveApiClient({ ...options, apiKey: TOKEN_STAND_IN }), undefined, tokenSockets(webSocketFactory, token))
    : new LiveClass(new LiveApiClient(options), undefined, webSocketFactory);
}

/**
 * The SDK writes "Ephemeral token support is experimental…" to the host page's console on every connection it
 * opens with a token (any `auth_tokens/` key), which is every connection the element opens in production. The
 * SDK is given a stand-in key instead, and the socket factory, which is ours, turns the URL the SDK builds for
 * a key into the one it builds for a token: `BidiGenerateContentConstrained?access_token=…` (a test compares the
 * two with `GoogleGenAI`'s). The global `console` is left alone.
 */
function tokenSockets(factory: SocketFactory, token: string): SocketFactory {
  const keyed = `.BidiGenerateContent?key=${TOKEN_STAND_IN}`;
  return {
    create(url, headers, callbacks) {
      if (!url.endsWith(keyed)) throw new Error('<gemini-live>: the SDK built a Live URL of an unknown form.');
      const tokenUrl = `${url.slice(0, -keyed.length)}.BidiGenerateContentConstrained?access_token=${token}`;
      return factory.create(tokenUrl, headers, callbacks);
    },
  };
}
