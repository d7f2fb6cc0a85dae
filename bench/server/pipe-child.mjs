// The floor any relay pays on this machine: a TCP pass-through that copies bytes between each client and the
// upstream stand-in, with no WebSocket framing, parsing or checks (the handshake passes through as bytes). It
// reads and writes once per message each way, as the proxy does, so its CPU time is the socket work alone: the
// kernel's, which on loopback includes the TCP receive path of the peer, and Node's streams. Same IPC as
// proxy-child.mjs:
//   → { type: 'ready', url } once listening
//   ← { type: 'stats' } → { type: 'stats', cpu, rss, connections, errors, firstErrors }
//   ← { type: 'exit' }                  closes and exits
import net from 'node:net';

const upstream = new URL(process.env.UPSTREAM_URL);
const sockets = new Set();
let connections = 0;
let errors = 0;
const firstErrors = [];

const server = net.createServer((client) => {
  const up = net.connect({ host: upstream.hostname, port: Number(upstream.port) });
  connections++;
  let open = true;
  const end = (error) => {
    if (error) {
      errors++;
      if (firstErrors.length < 5) firstErrors.push(error.message);
    }
    if (!open) return;
    open = false;
    connections--;
    sockets.delete(client);
    sockets.delete(up);
    client.destroy();
    up.destroy();
  };
  for (const socket of [client, up]) {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', end);
    socket.on('close', () => end());
  }
  client.pipe(up);
  up.pipe(client);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

process.on('message', (message) => {
  if (message?.type === 'stats') {
    process.send({ type: 'stats', cpu: process.cpuUsage(), rss: process.memoryUsage().rss, connections, errors, firstErrors });
  } else if (message?.type === 'exit') {
    for (const socket of sockets) socket.destroy();
    server.close(() => process.exit(0));
  }
});
process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}` });
