/**
 * Normalises an allowed origin (`https://App.example.com` → `https://app.example.com`), as browsers write the
 * `Origin` header, and rejects anything that is not a bare origin.
 */
export function canonicalOrigin(origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (!url || url.origin === 'null' || url.pathname !== '/' || url.search || url.hash) {
    throw new TypeError(`allowedOrigins: "${origin}" is not an origin such as https://app.example.com.`);
  }
  return url.origin;
}
