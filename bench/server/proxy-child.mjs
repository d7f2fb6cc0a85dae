// The Vertex proxy under test, alone in its process (pinned to one core by the bench), so that its CPU time and
// memory are its own. Run with `node --import tsx`; SERVER_MODULE names the build of src/server/index.ts to load
// (the bench may point it at a scratch copy with a change to try). Reports over IPC:
//   → { type: 'ready', url } once listening
//   ← { type: 'stats' } → { type: 'stats', cpu, rss, connections, errors, firstErrors }
//   ← { type: 'exit' }                  closes and exits (a --cpu-prof profile is written on the way out)
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const { createVertexProxy } = await import(pathToFileURL(path.resolve(process.env.SERVER_MODULE)).href);

let errors = 0;
const firstErrors = [];
const onError = (error) => {
  errors += 1;
  if (firstErrors.length < 5) firstErrors.push(error.message);
};

// `allowUnauthenticated` always warns, and no option turns that off: the warning is expected here, so it is
// dropped for the creation alone.
const warn = console.warn;
console.warn = () => {};
let proxy;
try {
  proxy = createVertexProxy({
    allowUnauthenticated: true,
    getAccessToken: () => 'bench-token',
    project: 'bench',
    upstreamUrl: process.env.UPSTREAM_URL,
    maxConnections: 1_000_000,
    maxConnectionsPerClient: 1_000_000,
    onError,
  });
} finally {
  console.warn = warn;
}
const server = await proxy.listen(0);

process.on('message', async (message) => {
  if (message?.type === 'stats') {
    process.send({
      type: 'stats',
      cpu: process.cpuUsage(),
      rss: process.memoryUsage().rss,
      connections: proxy.connections,
      errors,
      firstErrors,
    });
  } else if (message?.type === 'exit') {
    await server.close();
    process.exit(0);
  }
});
process.send({ type: 'ready', url: server.url });

