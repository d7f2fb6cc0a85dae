// Runs the Live API simulator next to web-test-runner. Tests import `/__simulator__.js` for its URL and drive
// it with `executeServerCommand('simulator', {...})`, which forwards to the simulator's control route.

export function simulatorPlugin(options = {}) {
  /** @type {any} */
  let simulator;
  return {
    name: 'live-simulator',
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
        return { body: `export const simulatorUrl = ${JSON.stringify(simulator.url)};`, type: 'js' };
      }
      return undefined;
    },
    async executeCommand({ command, payload }) {
      if (command !== 'simulator') return undefined;
      const { route = 'control', ...body } = payload ?? {};
      const response = await fetch(`${simulator.url}/__sim/${route}`, {
        method: route === 'control' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        body: route === 'control' ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      return text ? JSON.parse(text) : null;
    },
  };
}
