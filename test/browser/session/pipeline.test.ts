import { expect } from '@open-wc/testing';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import {
  audioCoverage,
  connectionsOf,
  createSession,
  inBothPipelines,
  inside,
  lastModelText,
  newestHandle,
  pipelineInWorkerOf,
  recordVoice,
  type SessionProbe,
} from '../../support/session.js';
import { itOnlyIn } from '../../support/engine.js';
import { refuseWorkers } from '../../support/workers.js';
import { PipelineClient } from '../../../src/pipeline/pipeline-client.js';
import { audioMessage } from '../../../src/pipeline/uplink.js';
import { createLive } from '../../../src/live/sdk-live.js';
import { bytesToBase64 } from '../../../src/audio/base64.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

describe('The pipeline', () => {
  let probe: SessionProbe | undefined;
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

  it('keeps the sockets, the microphone and the model\'s voice off the page in the socket worker', async () => {
    const sockets = countPageSockets();
    try {
      probe = createSession({ chunkMs: 20 });
      await probe.session.start();
      expect(await pipelineInWorkerOf(probe), 'the worker runs').to.be.true;
      const engine = inside(probe).engine!;
      // Counted once the worker sends audio (the capture worklet has its port by then).
      await waitFor(async () => ((await connections())[0]?.audio.seconds ?? 0) >= 0.2, { message: 'audio from the worker' });
      const capture = countPortMessages(engine.input!.capture.node);
      const playback = countPortMessages(engine.playback!.node);
      await waitFor(async () => ((await connections())[0]?.audio.seconds ?? 0) >= 1, { message: 'a second of audio' });
      // The model speaks for 2 s, with its words.
      await control({ action: 'turn', text: 'A spoken answer with its words.', audioSeconds: 2 });
      await probe.reach('speaking', 5000);
      // The turn's end first: a queue that runs dry mid-answer on a loaded machine shows 'listening' for a moment.
      await waitFor(() => lastModelText(probe!.transcript), { message: 'the end of the answer', timeout: 8000 });
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

  it('runs on the page when the worker cannot start, and works the same', async () => {
    const sockets = countPageSockets();
    const allowWorkers = refuseWorkers();
    try {
      probe = createSession({ socketWorker: true });
      await probe.session.start();
      expect(await pipelineInWorkerOf(probe)).to.be.false;
      expect(sockets.created).to.equal(1);
      await waitFor(async () => ((await connections())[0]?.audio.seconds ?? 0) >= 0.5, { message: 'audio from the page' });
      probe.session.sendText('Hello');
      await waitFor(() => lastModelText(probe!.transcript), { message: 'an answer' });
    } finally {
      allowWorkers();
      sockets.restore();
    }
  });

  it('runs on the page when told to, and when the worker\'s script does not load', async () => {
    const client = new PipelineClient({ worker: true, plays: true, onWorklets: () => undefined, workerUrl: new URL('/no-such-worker.js', location.href).href });
    await client.started;
    expect(client.inWorker).to.be.false;
    await client.shutdown();
    const sockets = countPageSockets();
    try {
      probe = createSession({ socketWorker: false });
      await probe.session.start();
      expect(await pipelineInWorkerOf(probe)).to.be.false;
      expect(sockets.created).to.equal(1);
    } finally {
      sockets.restore();
    }
  });

  // Not WebKitGTK: there the worker's flush reaches the worklet only after the page's long task (the answer plays
  // out the ~250 ms queued ahead, as if nothing had flushed it).
  itOnlyIn(['chromium', 'firefox'], 'worker-to-worklet messages that do not wait for the page', 'in the socket worker, an interruption silences the voice while the page\'s main thread is blocked', async () => {
    // The service runs 1 s ahead here: what is queued at the interruption would play on for about 1 s unflushed,
    // so a worker kept waiting a few hundred ms by a loaded machine still shows that it flushed.
    await control({ action: 'configure', options: { sendAheadMs: 1000 } });
    probe = createSession();
    await probe.session.start();
    expect(await pipelineInWorkerOf(probe)).to.be.true;
    await control({ action: 'turn', text: 'A long answer, to be cut off while the page is busy.', audioSeconds: 5 });
    await probe.reach('speaking', 5000);
    const voice = await recordVoice(probe);
    await sleep(500);
    await control({ action: 'interrupt' });
    const context = inside(probe).engine!.context;
    const blockedAt = context.currentTime;
    const busyUntil = performance.now() + 1600;
    while (performance.now() < busyUntil) {
      // A long task on the page: it cannot read the interruption, nor flush anything itself.
    }
    await waitFor(() => probe!.interruptions > 0, { message: 'the page saw the interruption' });
    await sleep(300);
    const rms = voice.rms();
    voice.stop();
    const heard = rms.findIndex((level) => level > 0.01);
    expect(heard, 'the answer was playing').to.be.at.least(0);
    // The first 100 ms of silence after the answer was heard: when the voice stopped.
    let silentFrom = -1;
    for (let i = heard; i + 10 <= rms.length; i++) {
      if (rms.slice(i, i + 10).every((level) => level < 0.001)) {
        silentFrom = i;
        break;
      }
    }
    expect(silentFrom, 'the voice went silent').to.be.greaterThan(heard);
    const silentAt = voice.startedAt + silentFrom / 100;
    // Silent within a moment (under 150 ms on an idle machine), long before the page's 1.6 s task ended (the page
    // could not have flushed it), and well before the ~1 s queued ahead of the output would have played out: the
    // worker flushed it.
    expect(silentAt - blockedAt).to.be.below(0.5);
    expect(rms.slice(silentFrom).every((level) => level < 0.001), 'nothing of the interrupted answer after that').to.be.true;
  });

  inBothPipelines('Microphone and voice', () => {
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
      // The interruption and the next answer come back to back while the page's main thread is busy.
      await control({ action: 'delay', ms: 300 });
      await control({ action: 'interrupt' });
      await control({ action: 'turn', text: 'The second answer.', audioSeconds: 1 });
      const busyUntil = performance.now() + 1600;
      while (performance.now() < busyUntil) {
        // A long task on the page.
      }
      await control({ action: 'delay', ms: 0 });
      await waitFor(() => lastModelText(probe!.transcript) === 'The second answer.', { message: 'the second answer', timeout: 8000 });
      await probe.reach('listening', 8000);
      const interrupted = probe.transcript.snapshot.find((turn) => turn.interrupted);
      expect(interrupted?.role).to.equal('model');
      // The second answer's second of audio was heard (not flushed with the first one): it played for about that long.
      expect(inside(probe).engine!.playback!.played().playedMs).to.be.within(700, 1300);
    });
  });

  for (const [how, fail] of [
    ['reports an error', (worker: Worker) => worker.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught Error: boom' }))],
    ['stops answering', (worker: Worker) => worker.terminate()],
  ] as const) {
    it(`when the worker ${how}, the session goes on from the page: it resumes, loses no microphone audio, and is heard`, async () => {
      probe = createSession();
      await probe.session.start();
      expect(await pipelineInWorkerOf(probe)).to.be.true;
      probe.session.sendText('Remember me');
      await waitFor(() => lastModelText(probe!.transcript), { message: 'an answer' });
      const handle = await newestHandle(probe);
      const pipeline = inside(probe).pipeline!;
      const thread = pipeline.thread as { kind: 'worker'; worker: Worker };
      fail(thread.worker);
      // A worker that stops answering is noticed within about 3 s (2 s without beats, then a 1 s ping).
      await probe.reach('reconnecting', 6000);
      expect(pipeline.inWorker).to.be.false;
      await probe.reach('listening', 8000);
      const records = await connections();
      expect(records.length).to.equal(2);
      expect(records[1].setup!.sessionResumption).to.deep.equal({ handle });
      await waitFor(async () => (await connections())[1].audio.seconds > 0.5, { message: 'audio on the new connection' });
      // No microphone audio fell into the gap: the connections together received about all of the time from the
      // first chunk to the latest.
      const { received, span } = await audioCoverage(probe);
      expect(received, `${received} s of audio over ${span} s`).to.be.greaterThan(span - 0.5);
      // The next answer is heard.
      const voice = await recordVoice(probe);
      await control({ action: 'turn', text: 'Still here.', audioSeconds: 1 });
      await probe.reach('speaking', 5000);
      await waitFor(() => lastModelText(probe!.transcript) === 'Still here.', { message: 'the answer' });
      await probe.reach('listening', 8000);
      const loud = voice.rms().filter((level) => level > 0.01).length;
      voice.stop();
      expect(loud, '10 ms blocks of the answer heard').to.be.greaterThan(50);
      expect(probe.states.filter((state) => state === 'error')).to.deep.equal([]);
      expect(probe.errors).to.deep.equal([]);
    });
  }

  it('closes its sockets with the session, and ends', async () => {
    probe = createSession();
    await probe.session.start();
    const pipeline = inside(probe).pipeline!;
    await probe.session.dispose();
    expect(pipeline.inWorker).to.be.false;
    await waitFor(async () => (await connections())[0].close !== null, { message: 'the close' });
    expect((await connections())[0].close).to.include({ code: 1000 });
  });
});
