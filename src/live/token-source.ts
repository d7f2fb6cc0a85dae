import { LiveError } from './errors.js';
import { errorMessage } from '../shared/error-message.js';

export interface CredentialOptions {
  tokenProvider?: () => Promise<string>;
  tokenEndpoint?: string;
  apiKey?: string;
}

/** What the SDK gets as `apiKey`: a single-use ephemeral token, or (development only) a raw API key. */
export interface Credential {
  value: string;
  kind: 'token' | 'key';
}

let warnedAboutKey = false;

/** Reads `{token}` or a bare Gemini `AuthToken` (`{name}`) from a token endpoint's JSON. */
export function tokenFromJson(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const record = json as Record<string, unknown>;
  const value = typeof record.token === 'string' ? record.token : typeof record.name === 'string' ? record.name : undefined;
  return value && value.trim() ? value.trim() : undefined;
}

/**
 * Gets a fresh credential for every connection, reconnections included: ephemeral tokens are single-use.
 * Precedence: `tokenProvider`, then `token-endpoint`, then `api-key`.
 */
export class TokenSource {
  constructor(private readonly options: CredentialOptions) {}

  get configured(): boolean {
    return Boolean(this.options.tokenProvider || this.options.tokenEndpoint || this.options.apiKey);
  }

  async next(model: string, signal?: AbortSignal): Promise<Credential> {
    const { tokenProvider, tokenEndpoint, apiKey } = this.options;
    if (tokenProvider) {
      let token: unknown;
      try {
        token = await tokenProvider();
      } catch (cause) {
        throw new LiveError('token-failed', `tokenProvider failed: ${errorMessage(cause)}`, true, {
          cause,
        });
      }
      if (typeof token !== 'string' || !token.trim()) {
        throw new LiveError('token-failed', 'tokenProvider returned no token.', true);
      }
      return { value: token.trim(), kind: 'token' };
    }
    if (tokenEndpoint) return { value: await this.fetchFromEndpoint(tokenEndpoint, model, signal), kind: 'token' };
    if (apiKey) {
      if (!warnedAboutKey) {
        warnedAboutKey = true;
        console.warn(
          '<gemini-live>: connecting with a raw API key (api-key) is for development only; anyone can read it from the page. Use token-endpoint in production.',
        );
      }
      return { value: apiKey, kind: 'key' };
    }
    throw new LiveError('config-invalid', 'No credentials: set token-endpoint, tokenProvider or api-key.', false);
  }

  private async fetchFromEndpoint(endpoint: string, model: string, signal?: AbortSignal): Promise<string> {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ model }),
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new LiveError('token-failed', `The token endpoint could not be reached: ${errorMessage(cause)}`, true, {
        cause,
      });
    }
    if (!response.ok) {
      throw new LiveError('token-failed', `The token endpoint answered ${response.status} ${response.statusText}`.trim(), true);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (cause) {
      throw new LiveError('token-failed', 'The token endpoint did not answer with JSON.', true, { cause });
    }
    const token = tokenFromJson(json);
    if (!token) throw new LiveError('token-failed', 'The token endpoint\u2019s JSON has no "token" (or "name").', true);
    return token;
  }
}
