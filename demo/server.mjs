// `npm start`: builds if needed and serves the demo pages and dist/ on http://localhost:8080 (PORT overrides).
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8080);

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
};

if (!existsSync(path.join(root, 'dist', 'gemini-live.js'))) {
  console.log('Building dist/ first …');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

async function serveStatic(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let pathname = decodeURIComponent(url.pathname);
  if (pathname === '/') pathname = '/demo/index.html';
  const file = path.join(root, pathname);
  if (!file.startsWith(root) || !/^\/(demo|dist|docs)\//.test(pathname)) {
    res.writeHead(404).end('Not found');
    return;
  }
  try {
    const info = await stat(file);
    const target = info.isDirectory() ? path.join(file, 'index.html') : file;
    const body = await readFile(target);
    res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end('Not found');
  }
}

const server = createServer((req, res) => {
  serveStatic(req, res).catch(() => res.writeHead(500).end());
});
server.listen(port, () => {
  console.log(`Demo on http://localhost:${port}/`);
});
