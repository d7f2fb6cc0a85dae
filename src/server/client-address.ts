/**
 * Which proxies in front of the server are trusted to name the client:
 * - a number `n`: that many proxies each append the address they saw to `X-Forwarded-For`; the client is the
 *   `n`-th entry from the right (entries further left were written by the client and may be forged);
 * - a header name such as `'cf-connecting-ip'` (Cloudflare) or `'fly-client-ip'`: a proxy that always sets it.
 *
 * Without it the socket's own address is used and forwarding headers are ignored.
 */
export type TrustProxy = number | string;

/** Rate-limit and connection-cap keys are cut to this length (longer ones are hashed). */
export const MAX_KEY_LENGTH = 128;

/** A Node request header as one string: repeated ones joined with `, `, as `Headers.get` does. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Checks a `trustProxy` option at creation time. */
export function checkTrustProxy(trustProxy: TrustProxy | undefined, owner: string): void {
  if (trustProxy === undefined) return;
  if (typeof trustProxy === 'number' && Number.isInteger(trustProxy) && trustProxy >= 1 && trustProxy <= 16) return;
  if (typeof trustProxy === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(trustProxy)) return;
  throw new TypeError(
    `${owner}: \`trustProxy\` must be a number of proxies (1–16) or a header name such as 'cf-connecting-ip'.`,
  );
}

/**
 * The client's address as the configured trust allows: the socket address unless `trustProxy` names
 * forwarding that can be believed. `undefined` when nothing identifies the client.
 */
export function clientAddress(
  header: (name: string) => string | null | undefined,
  remoteAddress: string | undefined,
  trustProxy: TrustProxy | undefined,
): string | undefined {
  let address = remoteAddress;
  if (typeof trustProxy === 'string') {
    // Several values mean a client's copy was passed along: the proxy's own is the last one.
    address = lastEntry(header(trustProxy.toLowerCase())) ?? remoteAddress;
  } else if (typeof trustProxy === 'number') {
    const hops = (header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (hops.length > 0) address = hops[Math.max(0, hops.length - trustProxy)];
  }
  return address ? normalizeAddress(address) : undefined;
}

/**
 * One key per client: IPv4-mapped IPv6 becomes IPv4, and IPv6 addresses are grouped by their /64 (one
 * subscriber usually holds a whole /64, so keying by full address would let them rotate through it).
 */
export function normalizeAddress(address: string): string {
  const value = address.trim().replace(/^\[(.*)\](?::\d+)?$/, '$1').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (mapped) return mapped[1];
  const groups = expandIpv6(value);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : value;
}

/** Keys longer than {@link MAX_KEY_LENGTH} become a SHA-256 digest, so memory per key stays bounded. */
export async function boundedKey(key: string): Promise<string> {
  if (key.length <= MAX_KEY_LENGTH) return key;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return `sha256:${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function lastEntry(value: string | null | undefined): string | undefined {
  const entry = value?.split(',').pop()?.trim();
  return entry || undefined;
}

/** The eight 16-bit groups of an IPv6 address in hex, or `undefined` when it is not one. */
function expandIpv6(value: string): string[] | undefined {
  const address = value.split('%')[0];
  if (!/^[0-9a-f:]+$/.test(address) || !address.includes(':')) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 ? missing < 1 : missing !== 0) || [...head, ...tail].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) {
    return undefined;
  }
  return [...head, ...Array<string>(missing).fill('0'), ...tail].map((group) => group.replace(/^0+(?=.)/, ''));
}
