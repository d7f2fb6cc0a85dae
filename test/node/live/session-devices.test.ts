// SessionDevices on its own, with a stand-in session: microphone choices made mid-session, one after another
// faster than a microphone opens, and a choice that cannot be opened. The browser suites cover the same with
// real devices; here the order in which opens settle is set by the test.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SessionDevices, type SessionDevicesHost } from '../../../src/live/session-devices.js';

const DEVICES = ['A', 'B'].map((id) => ({ kind: 'audioinput', deviceId: id, label: `Microphone ${id}`, groupId: '' }));
/** How long listing the devices takes (ms). */
let listDelay = 0;

/** How long each microphone takes to open (ms), and which refuse (busy in another app). */
interface Microphones {
  delays: Record<string, number>;
  busy: Set<string>;
}

/** A session whose microphone opens after a delay; a newer open aborts an older one, as startCapture does. */
function session({ delays, busy }: Microphones) {
  let opens = 0;
  const state = { inUse: 'default', opened: [] as string[], fallbacks: [] as string[] };
  const track = () => ({ label: `Microphone ${state.inUse}`, getSettings: () => ({ deviceId: state.inUse }) });
  const engine = { capturing: true, get microphoneStream() { return { getAudioTracks: () => [track()] }; } };
  const host: SessionDevicesHost = {
    engine: () => engine as never,
    async openMicrophone(id) {
      // Asked as `ideal`: an id the browser does not know opens the default.
      const device = id && DEVICES.some((known) => known.deviceId === id) ? id : 'default';
      const mine = ++opens;
      state.opened.push(device);
      await new Promise((resolve) => setTimeout(resolve, delays[device] ?? 1));
      if (busy.has(device)) throw Object.assign(new Error('Could not start audio source'), { name: 'NotReadableError' });
      if (mine !== opens) throw new DOMException('Superseded by a later choice', 'AbortError');
      state.inUse = device;
    },
    cameraStream: () => null,
    restartCamera: async () => {},
    stopVideo: () => {},
    onFallback: (kind) => state.fallbacks.push(kind),
    onError: () => {},
    ended: () => false,
  };
  return { host, state };
}

describe('SessionDevices: microphone choices mid-session', () => {
  const stored = new Map<string, string>();
  const saved = Object.getOwnPropertyDescriptors(globalThis);

  beforeEach(() => {
    stored.clear();
    listDelay = 0;
    const enumerateDevices = () => new Promise((resolve) => setTimeout(() => resolve(DEVICES), listDelay));
    const mediaDevices = { enumerateDevices, addEventListener() {}, removeEventListener() {} };
    Object.defineProperty(globalThis, 'navigator', { value: { mediaDevices }, configurable: true, writable: true });
    const localStorage = {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => void stored.set(key, value),
    };
    Object.defineProperty(globalThis, 'localStorage', { value: localStorage, configurable: true, writable: true });
  });

  afterEach(() => {
    for (const name of ['navigator', 'localStorage'] as const) {
      if (saved[name]) Object.defineProperty(globalThis, name, saved[name]);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  });

  const remembered = () => JSON.parse(stored.get('gemini-live:devices') ?? '{}').microphone?.id;

  it('a busy microphone that fails after a newer choice does not override it', async () => {
    const { host, state } = session({ delays: { A: 30, B: 10, default: 5 }, busy: new Set(['A']) });
    const devices = new SessionDevices(host, {});
    const first = devices.choose('microphone', 'A');
    await new Promise((resolve) => setTimeout(resolve, 1));
    const second = devices.choose('microphone', 'B');
    await Promise.all([first, second]);
    assert.equal(state.inUse, 'B');
    assert.equal(devices.id('microphone'), 'B');
    assert.deepEqual(state.fallbacks, [], 'no notice about A once B was chosen');
    assert.deepEqual(state.opened, ['A', 'B']);
    assert.equal(remembered(), 'B');
  });

  it('an unknown choice still being checked when a newer one comes neither speaks nor remembers for it', async () => {
    listDelay = 20;
    const { host, state } = session({ delays: { B: 30, default: 1 }, busy: new Set(['B']) });
    const devices = new SessionDevices(host, {});
    const first = devices.choose('microphone', 'gone-id');
    // The unknown id opened the default, and its choice is listing the devices to say so.
    await new Promise((resolve) => setTimeout(resolve, 8));
    assert.equal(state.inUse, 'default');
    const second = devices.choose('microphone', 'B');
    await Promise.all([first, second]);
    assert.equal(state.inUse, 'default', 'B is busy: the default');
    assert.deepEqual(state.fallbacks, ['microphone'], "one notice, for B; none for the id it replaced");
    assert.equal(stored.get('gemini-live:devices'), undefined, "nothing remembered: not B with the default's label");
  });

  it('a busy microphone gives way to the default with one notice, and choosing it again tries it again', async () => {
    const microphones = { delays: { A: 5 }, busy: new Set(['A']) };
    const { host, state } = session(microphones);
    const devices = new SessionDevices(host, {});
    await devices.choose('microphone', 'A');
    assert.equal(state.inUse, 'default');
    assert.deepEqual(state.fallbacks, ['microphone']);
    assert.equal(devices.id('microphone'), undefined, 'the failed choice is dropped');
    assert.equal(remembered(), undefined);

    microphones.busy.clear();
    await devices.choose('microphone', 'A');
    assert.equal(state.inUse, 'A');
    assert.equal(remembered(), 'A');
    assert.deepEqual(state.opened, ['A', 'default', 'A']);
  });
});
