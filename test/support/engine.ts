/** Which engine runs the browser tests, and what its fake devices offer, for the few bounds that depend on it. */
// Served by web-test-runner.config.mjs from TEST_ENGINE.
// @ts-expect-error a virtual module without a declaration
import { engine as served } from '/__engine__.js';

export type Engine = 'chromium' | 'firefox' | 'webkit';

export const engine: Engine = served;

/**
 * What each engine's fake microphone plays: Chromium a short beep about twice a second with near-silence
 * between; Firefox a continuous 1 kHz sine at -20 dBFS; WebKitGTK a continuous ~150 Hz tone (peak 0.1) with a
 * louder burst each second.
 */
export const fakeMicrophone: { readonly continuous: boolean; readonly peak: number } = {
  chromium: { continuous: false, peak: 0.05 },
  firefox: { continuous: true, peak: 0.1 },
  webkit: { continuous: true, peak: 0.1 },
}[engine];

const NAMES: Record<Engine, string> = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };

/**
 * Registers a test that needs what only some engines do, and says so in its title: "(Chromium only: why)" or
 * "(Chromium and WebKit: why)". The real-context tests of the same paths run everywhere.
 */
export function itOnlyIn(engines: Engine[], why: string, title: string, test: () => Promise<void>): void {
  const names = engines.map((name) => NAMES[name]).join(' and ');
  if (engines.includes(engine)) it(`(${names}${engines.length === 1 ? ' only' : ''}: ${why}) ${title}`, test);
}

/**
 * Why the tests that share the real fake screen run in Chromium only: it shares without a picker or a gesture,
 * while Firefox and WebKit want a real user gesture for getDisplayMedia. Stubbed-screen tests cover the path
 * everywhere.
 */
export const FAKE_SCREEN = 'the fake screen without a gesture';
