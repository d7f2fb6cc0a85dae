let warned = false;

/**
 * Warns once, in the console, when the credential (it travels in the socket URL) would cross the network in
 * clear text: an `http:` base URL to a host other than this machine. Loopback is fine for development.
 */
export function warnIfInsecureTransport(baseUrl: string | undefined): void {
  if (warned || !baseUrl) return;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return;
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)) return;
  warned = true;
  console.warn(
    `<gemini-live>: api-base-url "${url.origin}" is not HTTPS, so the token travels unencrypted in a ws:// URL. ` +
      'Use https:// anywhere but localhost.',
  );
}
