// Runs the Live API simulator next to web-test-runner. Tests import `/__simulator__.js` for its URL and drive
// it with `executeServerCommand('simulator', {...})`, which forwards to the simulator's control routes. The
// dev server also answers `POST /api/token` the way a site's backend would: with a token minted at the simulator.

export function simulatorPlugin(options = {}) {
  /** @type {any} */
  let simulator;
  const tokenRequests = [];

  /** Koa middleware for the config's `middleware` list: `POST /api/token` as a site's backend would answer it. */
  async function tokenMiddleware(ctx, next) {
    if (ctx.path !== '/api/token' || !simulator) return next();
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      return undefined;
    }
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      ctx.status = 400;
      return undefined;
    }
    tokenRequests.push({ body, at: Date.now() });
    const result = await simulator.control.act({ action: 'createToken' });
    ctx.type = 'application/json';
    ctx.set('cache-control', 'no-store');
    ctx.body = JSON.stringify({ token: result.name });
    return undefined;
  }

  return {
    name: 'live-simulator',
    tokenMiddleware,
    async serverStart() {
      if (process.env.NO_SIMULATOR) return;
      const { startSimulator } = await import('../../demo/simulator/index.js');
      simulator = await startSimulator({ voice: false, ...options });
    },
    async serverStop() {
      await simulator?.close();
    },
    serve(context) {
      if (context.path === '/__simulator__.js') {
        return { body: `export const simulatorUrl = ${JSON.stringify(simulator?.url ?? '')};`, type: 'js' };
      }
      return undefined;
    },
    async executeCommand({ command, payload }) {
      if (command !== 'simulator') return undefined;
      const { route = 'control', ...body } = payload ?? {};
      if (route === 'token-requests') {
        const list = tokenRequests.slice();
        if (body.clear) tokenRequests.length = 0;
        return { requests: list };
      }
      const response = await fetch(`${simulator.url}/__sim/${route}`, {
        method: route === 'control' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', 'x-sim-control': '1' },
        body: route === 'control' ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      return text ? JSON.parse(text) : null;
    },
  };
}
