// `npm start`: builds if needed, then serves the demo pages, dist/ and a token endpoint on
// http://localhost:8080 (PORT and HOST override). Without GEMINI_API_KEY the Live API simulator runs on the same
// origin and the pages talk to it; with the key, tokens are minted for the real Gemini Live API.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt } from '../scripts/ensure-built.mjs';
import { bundleReactDemo } from './react-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.md': 'text/markdown; charset=utf-8',
  '.jsx': 'text/plain; charset=utf-8',
};

/** The Gemini API's Live models a page may ask a token for (the element's default first). */
const LIVE_MODELS = [
  'gemini-3.8-live',
  'gemini-3.8-live-extended-thinking',
  'gemini-3.1-flash-live-preview',
  'gemini-2.5-flash-native-audio-latest',
  'gemini-2.5-flash-native-audio-preview-12-2025',
];

// Pages without inline scripts are served under a strict policy, as a site with a strict CSP would serve them.
const STRICT_CSP = "script-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'";
// No other site may frame the demo (clickjacking the microphone button), whatever the page's own policy.
const FRAME_POLICY = "frame-ancestors 'none'";

/**
 * The Host names this server answers to: loopback, and HOST when set. Anything else is a DNS-rebinding page
 * (evil.example resolving to 127.0.0.1) trying to mint tokens or read the simulator's records.
 * @param {string} host the address the server listens on
 */
function servedHostnames(host) {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (host && host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host.toLowerCase());
  return names;
}

/**
 * @param {string | undefined} hostHeader
 * @param {Set<string>} names
 * @param {number} port
 */
function hostAllowed(hostHeader, names, port) {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(hostHeader ?? '');
  if (!match) return false;
  return names.has(match[1].toLowerCase()) && (match[2] === undefined || Number(match[2]) === port);
}

/**
 * Starts the demo server. Returns `{ url, port, mode, close() }`.
 * @param {{ port?: number, host?: string, apiKey?: string, log?: (line: string) => void, build?: boolean, simulatorOptions?: Record<string, unknown> }} [options]
 */
export async function startDemoServer(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  if (options.build !== false) ensureBuilt({ log });
  const { createTokenHandler, toNodeHandler, DEFAULT_LIVE_MODEL } = await import(pathToFileURL(path.join(root, 'dist', 'server', 'index.js')).href);
  const apiKey = options.apiKey ?? process.env.GEMINI_API_KEY ?? '';
  const simulatorMode = !apiKey;
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  const requestedPort = options.port ?? Number(process.env.PORT ?? 8080);

  let simulator;
  if (simulatorMode) {
    const { createSimulator } = await import('./simulator/index.js');
    // No CORS on the control routes: other sites open in the browser must not drive the local simulator.
    simulator = createSimulator({ voice: true, cors: false, ...options.simulatorOptions });
  }

  const server = createServer();
  let tokenRoute;
  const serveToken = (req, res) => tokenRoute(req, res);
  const hostnames = servedHostnames(host);
  let port = 0;

  server.on('request', (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', FRAME_POLICY);
    if (!hostAllowed(req.headers.host, hostnames, port)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('Misdirected request: unknown Host');
      return undefined;
    }
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/api/token') return serveToken(req, res);
    if (pathname === '/api/mode') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ simulator: simulatorMode }));
      return undefined;
    }
    if (simulator?.handleRequest(req, res)) return undefined;
    serveStatic(req, res, simulatorMode).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
    return undefined;
  });
  server.on('upgrade', (req, socket, head) => {
    if (hostAllowed(req.headers.host, hostnames, port) && simulator?.handleUpgrade(req, socket, head)) return;
    socket.destroy();
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, host, resolve);
  });
  port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const shownHost = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const url = `http://${shownHost}:${port}`;

  // In simulator mode the token endpoint mints at the simulator's own token route, on this very server.
  tokenRoute = toNodeHandler(
    createTokenHandler({
      apiKey: simulatorMode ? 'sim-key' : apiKey,
      httpOptions: simulatorMode ? { baseUrl: `http://127.0.0.1:${port}` } : undefined,
      rateLimit: { limit: 60, windowSeconds: 60 },
      models: [DEFAULT_LIVE_MODEL, ...LIVE_MODELS],
    }),
  );

  return {
    url,
    port,
    mode: simulatorMode ? 'simulator' : 'gemini',
    simulator,
    async close() {
      await simulator?.close?.();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

async function serveStatic(req, res, simulatorMode) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
    return;
  }
  if (pathname === '/' || pathname === '/demo') {
    res.writeHead(302, { location: '/demo/' }).end();
    return;
  }
  // Browsers ask for /favicon.ico on pages that name no icon (a 404 there is a console error).
  if (pathname === '/favicon.ico') pathname = '/demo/favicon.svg';
  if (pathname.endsWith('/')) pathname += 'index.html';
  if (pathname === '/demo/react-app.js') {
    let script;
    try {
      script = await bundleReactDemo();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`The React page's script did not build: ${error instanceof Error ? error.message : error}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-cache' });
    res.end(script);
    return;
  }
  // Decide on the resolved file, so that encoded separators (`..%2F`) cannot leave the served folders.
  const file = path.resolve(root, `.${pathname}`);
  const relative = path.relative(root, file).split(path.sep).join('/');
  if (relative.startsWith('..') || !/^(demo|dist|docs)\//.test(relative) || relative.startsWith('demo/simulator/')) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  let info;
  try {
    info = await stat(file);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  if (!info.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  const extension = path.extname(file);
  const headers = { 'content-type': TYPES[extension] ?? 'application/octet-stream', 'cache-control': 'no-cache' };
  if (extension !== '.html') {
    res.writeHead(200, headers);
    res.end(await readFile(file));
    return;
  }
  let html = await readFile(file, 'utf8');
  if (!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) headers['content-security-policy'] = `${STRICT_CSP}; ${FRAME_POLICY}`;
  if (simulatorMode) {
    // Points the page's elements at the simulator on this origin; the shown snippet leaves this out.
    const host = /^[\w.-]+(:\d+)?$|^\[[\d:a-f]+\](:\d+)?$/i.test(req.headers.host ?? '') ? req.headers.host : 'localhost';
    const origin = `http://${host}`;
    html = html.replace(/<gemini-live(?=[\s>])/g, `<gemini-live api-base-url="${origin}" data-injected-base`);
  }
  res.writeHead(200, headers);
  res.end(html);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await startDemoServer().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
  console.log(
    demo.mode === 'simulator'
      ? 'Offline mode: the Live API simulator answers (set GEMINI_API_KEY to talk to Gemini).'
      : 'Live mode: tokens for the Gemini Live API are minted with GEMINI_API_KEY.',
  );
  console.log(`Open ${demo.url}/demo/`);
  const shutdown = () => demo.close().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
