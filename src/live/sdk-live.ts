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

/** Creates the SDK's `Live` module for one connection, with our WebSocket factory. */
export function createLive(options: LiveClientOptions, webSocketFactory: unknown): Live {
  warnIfInsecureTransport(options.baseUrl);
  const LiveClass = Live as unknown as new (apiClient: unknown, auth: unknown, factory: unknown) => Live;
  return new LiveClass(new LiveApiClient(options), undefined, webSocketFactory);
}
