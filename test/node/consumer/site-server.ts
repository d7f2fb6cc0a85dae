// The site's server, as a site that installed the package would run it: the bundler's output as static files,
// a token endpoint made with the installed `gemini-live/server`, and here the Live API simulator on the same
// origin in place of Google's. Every request is recorded with its answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSimulator, type LiveSimulator } from '../../../demo/simulator/index.js';
import type * as ServerExports from '../../../src/server/index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface ServedRequest {
  path: string;
  status: number;
}

export interface Site {
  origin: string;
  simulator: LiveSimulator;
  /** Every HTTP request so far (WebSocket upgrades excluded), in order. */
  requests: ServedRequest[];
  close(): Promise<void>;
}

/**
 * Serves `output` (the bundler's folder) with `headers` on every response, the token endpoint at `/api/token`
 * from the `gemini-live/server` installed in `site`, and the simulator.
 */
export async function serveSite({ output, site, headers = {} }: { output: string; site: string; headers?: Record<string, string> }): Promise<Site> {
  const serverModule = createRequire(path.join(site, 'package.json')).resolve('gemini-live/server');
  const { createTokenHandler, toNodeHandler } = (await import(pathToFileURL(serverModule).href)) as typeof ServerExports;
  const simulator = createSimulator({ voice: false, cors: false, speed: 5 });
  const requests: ServedRequest[] = [];
  const server = createServer();
  simulator.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The token handler mints with the simulator's `auth_tokens`, as it would with Google's.
  const tokenRoute = toNodeHandler(createTokenHandler({ apiKey: 'sim-key', httpOptions: { baseUrl: origin } }));

  server.on('request', (req, res) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.once('finish', () => requests.push({ path: req.url ?? '', status: res.statusCode }));
    if (req.url === '/api/token') return tokenRoute(req, res);
    if (simulator.handleRequest(req, res)) return undefined;
    serveFile(output, req, res).catch(() => res.writeHead(500).end());
    return undefined;
  });

  return {
    origin,
    simulator,
    requests,
    async close() {
      await simulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveFile(output: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://site').pathname);
  // Browsers ask for an icon on pages that name none; a site without one answers with nothing, not a 404.
  if (pathname === '/favicon.ico') return void res.writeHead(204).end();
  const file = path.join(output, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  const type = TYPES[path.extname(file)];
  if (!type || path.relative(output, file).startsWith('..') || !(await stat(file).catch(() => null))?.isFile()) {
    return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(await readFile(file));
}
