/** Short, stable error codes found in `{ error: { code, message } }` bodies from the token handler. */
export type TokenErrorCode =
  | 'method-not-allowed'
  | 'origin-not-allowed'
  | 'unauthorized'
  | 'rate-limited'
  | 'payload-too-large'
  | 'invalid-json'
  | 'invalid-request'
  | 'unknown-model'
  | 'upstream-error'
  | 'upstream-timeout'
  | 'internal';

/** Body of every error response from the token handler. Never contains key material. */
export interface TokenErrorBody {
  error: { code: TokenErrorCode; message: string };
}

const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret (raw and URL-encoded) in `text`.
 * Secrets shorter than 4 characters are ignored: replacing them would mangle ordinary words.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodedForm(secret)])) {
      result = result.split(form).join(REDACTED);
    }
  }
  return result;
}

/** `secret` as it appears in a URL; itself when it cannot be encoded (a lone surrogate makes encoding throw). */
function encodedForm(secret: string): string {
  try {
    return encodeURIComponent(secret);
  } catch {
    return secret;
  }
}

/**
 * Patterns of credentials a text from elsewhere (an upstream close reason, an error) may carry: bearer
 * headers, Google OAuth access tokens, API keys, ephemeral tokens and credential query parameters.
 */
const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[^\s,;"']+/gi, `$1 ${REDACTED}`],
  [/\bya29\.[\w.~+/-]+/g, REDACTED],
  [/\bAIza[\w-]{20,}/g, REDACTED],
  [/\bauth_tokens\/[\w.~-]+/g, `auth_tokens/${REDACTED}`],
  [/\b(access_token|key|token)=[^&\s,;"']+/gi, `$1=${REDACTED}`],
];

/** Replaces anything that looks like a credential in `text`, whoever's it is. */
export function scrubCredentials(text: string): string {
  let result = text;
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** Describes any thrown value as one line of text, without stack traces or causes (they may hold secrets). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** An `Error` whose message has been scrubbed of the given secrets and which carries no `cause`. */
export function scrubbedError(prefix: string, error: unknown, secrets: readonly (string | undefined)[]): Error {
  return new Error(scrubSecrets(`${prefix}: ${describeError(error)}`, secrets));
}
