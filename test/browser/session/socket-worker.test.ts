import { expect } from '@open-wc/testing';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import { connectionsOf, createSession, lastModelText, type SessionProbe } from '../../support/session.js';
import { SocketWorkerHost } from '../../../src/live/socket-worker-host.js';
import { audioMessage } from '../../../src/workers/audio-relay.js';
import { createLive } from '../../../src/live/sdk-live.js';
import { bytesToBase64 } from '../../../src/audio/base64.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the session keeps to itself, for looking at where its work happens. */
interface Inside {
  engine?: {
    input: { capture: { node: AudioWorkletNode } } | null;
    playback: { node: AudioWorkletNode } | null;
  };
  worker?: SocketWorkerHost;
}
const inside = (probe: SessionProbe) => probe.session as unknown as Inside;

/** Counts page-side `WebSocket`s created while it is installed. */
function countPageSockets() {
  const Native = window.WebSocket;
  let created = 0;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      created += 1;
    }
  };
  return {
    get created() {
      return created;
    },
    restore: () => {
      window.WebSocket = Native;
    },
  };
}

/** Counts the messages a worklet node's port delivers to the page, by type. */
function countPortMessages(node: AudioWorkletNode) {
  const counts: Record<string, number> = {};
  const listener = (event: MessageEvent) => {
    const type = String(event.data?.type);
    counts[type] = (counts[type] ?? 0) + 1;
  };
  node.port.addEventListener('message', listener);
  return { counts, stop: () => node.port.removeEventListener('message', listener) };
}

describe('The socket worker', () => {
  let probe: SessionProbe | undefined;
  /** This test's connections, oldest first. */
  const connections = () => connectionsOf(probe);

  beforeEach(async () => {
    await resetSimulator();
  });

  afterEach(async () => {
    await probe?.session.dispose();
    probe = undefined;
  });

  it('puts on the wire exactly what the SDK sends for a microphone chunk', async () => {
    const sent: string[] = [];
    // Opens, and answers the setup as the service does.
    const factory = {
      create: (_url: string, _headers: Record<string, string>, callbacks: { onopen: () => void; onmessage: (event: MessageEvent) => void }) => ({
        connect: () => setTimeout(() => callbacks.onopen(), 0),
        send: (text: string) => {
          sent.push(text);
          if (text.includes('"setup"')) {
            setTimeout(() => callbacks.onmessage(new MessageEvent('message', { data: '{"setupComplete":{}}' })), 0);
          }
        },
        close: () => undefined,
      }),
    };
    const live = createLive({ apiKey: 'key', baseUrl: 'http://127.0.0.1:9' }, factory);
    const session = await live.connect({ model: 'gemini-live-test', callbacks: { onmessage: () => undefined } });
    const pcm = new Int16Array([0, 1, -1, 32767, -32768, 1234]).buffer;
    session.sendRealtimeInput({ audio: { data: bytesToBase64(new Uint8Array(pcm)), mimeType: 'audio/pcm;rate=16000' } });
    expect(JSON.parse(audioMessage(pcm))).to.deep.equal(JSON.parse(sent[sent.length - 1]));
  });

  it('keeps the sockets, the microphone and the model\'s voice off the page', async () => {
    const sockets = countPageSockets();
    try {
      probe = createSession({ chunkMs: 20 });
      await probe.session.start();
      expect(inside(probe).worker, 'the worker runs').to.exist;
      const engine = inside(probe).engine!;
      const capture = countPortMessages(engine.input!.capture.node);
      const playback = countPortMessages(engine.playback!.node);
      await waitFor(async () => ((await connections())[0]?.audio.seconds ?? 0) >= 1, { message: 'a second of audio' });
      // The model speaks for 2 s, with its words.
      await control({ action: 'turn', text: 'A spoken answer with its words.', audioSeconds: 2 });
      await probe.reach('speaking', 5000);
      await probe.reach('listening', 8000);
      capture.stop();
      playback.stop();
      expect(sockets.created, 'no WebSocket on the page').to.equal(0);
      expect(capture.counts, 'no microphone chunk or level through the page').to.deep.equal({});
      // The playback worklet still reports to the page, 5 times a second while it plays instead of 20.
      expect(playback.counts.status ?? 0).to.be.within(1, 20);
      expect(lastModelText(probe.transcript)).to.equal('A spoken answer with its words.');
      expect(probe.errors).to.deep.equal([]);
    } finally {
      sockets.restore();
    }
  });

  it('falls back to sockets on the page when the worker cannot start, and works the same', async () => {
    const sockets = countPageSockets();
    const NativeWorker = window.Worker;
    window.Worker = class {
      constructor() {
        throw new DOMException('Refused by the content security policy.', 'SecurityError');
      }
    } as unknown as typeof Worker;
    try {
      probe = createSession();
      await probe.session.start();
      expect(inside(probe).worker).to.be.undefined;
      expect(sockets.created).to.equal(1);
      await waitFor(async () => ((await connections())[0]?.audio.seconds ?? 0) >= 0.5, { message: 'audio from the page' });
      probe.session.sendText('Hello');
      await waitFor(() => lastModelText(probe!.transcript), { message: 'an answer' });
    } finally {
      window.Worker = NativeWorker;
      sockets.restore();
    }
  });

  it('does without the worker when told to, and when its script does not load', async () => {
    expect(await SocketWorkerHost.load(new URL('/no-such-worker.js', location.href).href, 3000)).to.be.undefined;
    const sockets = countPageSockets();
    try {
      probe = createSession({ socketWorker: false });
      await probe.session.start();
      expect(inside(probe).worker).to.be.undefined;
      expect(sockets.created).to.equal(1);
    } finally {
      sockets.restore();
    }
  });

  it('sends no audio while muted and, in push-to-talk, only while the talk control is held', async () => {
    probe = createSession({ mode: 'push-to-talk' });
    await probe.session.start();
    await sleep(400);
    expect((await connections())[0].audio.chunks, 'nothing before the talk control is held').to.equal(0);
    probe.session.activityStart();
    await waitFor(async () => (await connections())[0].audio.chunks >= 5, { message: 'audio while held' });
    probe.session.muted = true;
    await sleep(150);
    const muted = (await connections())[0].audio.chunks;
    await sleep(400);
    expect((await connections())[0].audio.chunks, 'nothing while muted').to.equal(muted);
    probe.session.muted = false;
    await waitFor(async () => (await connections())[0].audio.chunks > muted, { message: 'audio again' });
    probe.session.activityEnd();
    await sleep(150);
    const released = (await connections())[0].audio.chunks;
    await sleep(400);
    expect((await connections())[0].audio.chunks, 'nothing after release').to.equal(released);
  });

  it('a new answer right after an interruption plays whole, and the interrupted one is cut', async () => {
    probe = createSession();
    await probe.session.start();
    await control({ action: 'turn', text: 'The first answer, long enough to be cut off.', audioSeconds: 4 });
    await probe.reach('speaking', 5000);
    await sleep(400);
    // The interruption and the next answer come back to back, and reach the worker while the page's main thread
    // is busy: the page can flush the first answer only after the second has begun to arrive.
    await control({ action: 'delay', ms: 300 });
    await control({ action: 'interrupt' });
    await control({ action: 'turn', text: 'The second answer.', audioSeconds: 1 });
    const busyUntil = performance.now() + 900;
    while (performance.now() < busyUntil) {
      // A long task on the page.
    }
    await control({ action: 'delay', ms: 0 });
    await waitFor(() => lastModelText(probe!.transcript) === 'The second answer.', { message: 'the second answer', timeout: 8000 });
    await probe.reach('listening', 8000);
    const interrupted = probe.transcript.snapshot.find((turn) => turn.interrupted);
    expect(interrupted?.role).to.equal('model');
    // The second answer's second of audio was heard (not flushed with the first one): it played for about that long.
    const engine = (probe.session as unknown as { engine: { playback: { played(): { playedMs: number } } } }).engine;
    expect(engine.playback.played().playedMs).to.be.within(700, 1300);
  });

  it('closes its sockets with the session, and ends', async () => {
    probe = createSession();
    await probe.session.start();
    const worker = inside(probe).worker!;
    await probe.session.dispose();
    expect(worker.usable).to.be.false;
    const [record] = await connections();
    await waitFor(async () => (await connections())[0].close !== null, { message: 'the close' });
    expect((await connections())[0].close).to.include({ code: 1000 });
    expect(record).to.exist;
  });
});
