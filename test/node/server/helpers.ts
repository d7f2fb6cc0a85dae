import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';

/** An HTTP server on 127.0.0.1 at a free port, for a site or a service standing in for Google. */
export async function listen(listener: RequestListener): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The API key the test simulator accepts: distinctive, so that a leak anywhere can be searched for. */
export const SIM_KEY = 'sim-key-5c81e0f4a7';

/** What the tests read from the simulator's per-connection records. */
export interface SimConnectionRecord {
  id: string;
  url: string;
  method: string;
  auth: { kind: string; ok: boolean | null; error: string | null };
  setup: Record<string, any> | null;
  effectiveSetup: Record<string, any> | null;
  overriddenFields: string[];
  model: string | null;
  close: { code: number; reason: string; initiatedBy: string } | null;
}

export interface TestSimulator {
  url: string;
  connections: SimConnectionRecord[];
  control: { configure(options: Record<string, unknown>): Promise<unknown> };
  close(): Promise<void>;
}

/** Starts the project's Live API simulator on 127.0.0.1: no speech synthesis, answers as fast as it can. */
export async function startTestSimulator(options: Record<string, unknown> = {}): Promise<TestSimulator> {
  const { startSimulator } = await import('../../../demo/simulator/index.js');
  const sim = await startSimulator({ voice: false, speed: 0, apiKeys: [SIM_KEY], host: '127.0.0.1', ...options });
  return sim as unknown as TestSimulator;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Records everything written through `console.*` from now until `restore()` (and keeps it off the test
 * output), so a test can assert that a secret never appeared in any log line.
 */
export function captureConsole() {
  const lines: string[] = [];
  const originals = new Map<string, (...args: unknown[]) => void>();
  for (const method of METHODS) {
    originals.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      lines.push(format(...args));
    };
  }
  return {
    lines,
    restore() {
      for (const [method, original] of originals) (console as unknown as Record<string, unknown>)[method] = original;
      originals.clear();
    },
    assertNever(secret: string) {
      for (const line of lines) assert.ok(!line.includes(secret), `console output contains the secret: ${line}`);
    },
  };
}

/** Asserts that neither the body nor any header of a response mentions `secret`; returns the body text. */
export async function assertNoSecret(response: Response, secret: string): Promise<string> {
  const text = await response.text();
  assert.ok(!text.includes(secret), `response body contains the secret: ${text}`);
  for (const [name, value] of response.headers) {
    assert.ok(!value.includes(secret) && !name.includes(secret), `header ${name} contains the secret`);
  }
  return text;
}

export { waitFor } from '../../support/wait-for.js';
