import { expect } from '@open-wc/testing';
import type { AudioEngine } from '../../../src/audio/audio-engine.js';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import { connectionsOf, createSession, inBothPipelines, inside, lastModelText, recordVoice, type SessionProbe } from '../../support/session.js';
import { recordUserMedia } from '../../support/media.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stubs what a phone does to a real context: `state` reads as given (an own getter) and `statechange` fires. */
function stubState(context: AudioContext, state: string): void {
  Object.defineProperty(context, 'state', { configurable: true, get: () => state });
  context.dispatchEvent(new Event('statechange'));
}

/** Stubs a clock that stands still: `currentTime` keeps reading what it reads now. */
function stubFrozenClock(context: AudioContext): void {
  const time = context.currentTime;
  Object.defineProperty(context, 'currentTime', { configurable: true, get: () => time });
}

/** Takes the stubs off again: the context's own state, clock and resume show through. */
function unstub(context: AudioContext): void {
  for (const name of ['state', 'currentTime', 'resume']) delete (context as unknown as Record<string, unknown>)[name];
}

/** Records every AudioContext created from now on. */
function recordContexts(): { contexts: AudioContext[]; restore(): void } {
  const Original = window.AudioContext;
  const contexts: AudioContext[] = [];
  window.AudioContext = class extends Original {
    constructor(options?: AudioContextOptions) {
      super(options);
      contexts.push(this);
    }
  };
  return { contexts, restore: () => (window.AudioContext = Original) };
}

inBothPipelines('A session whose AudioContext a phone interrupts (stubbed context state and clock)', () => {
  let probe: SessionProbe | undefined;
  let stubbed: AudioContext | undefined;
  const engineOf = (p: SessionProbe) => inside(p).engine as unknown as AudioEngine | undefined;
  const chunksSent = async () => (await connectionsOf(probe))[0]?.audio.chunks ?? 0;

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
  });

  afterEach(async () => {
    if (stubbed) unstub(stubbed);
    stubbed = undefined;
    await probe?.session.dispose();
    probe = undefined;
  });

  /** Starts a session, waits for its microphone audio to reach the simulator, and returns its engine. */
  async function started(overrides: Parameters<typeof createSession>[0] = {}): Promise<AudioEngine> {
    probe = createSession(overrides);
    await probe.session.start();
    if (!overrides.textOnly) await waitFor(async () => (await chunksSent()) > 5, { message: 'microphone audio' });
    const engine = engineOf(probe)!;
    stubbed = engine.context;
    return engine;
  }

  /** Waits until the session uses an engine other than `first`, and returns it. */
  const revivedFrom = (first: AudioEngine) =>
    waitFor(() => (engineOf(probe!) !== first ? engineOf(probe!) : undefined), { timeout: 8000, message: 'a new engine' });

  /** The model answers; its voice must sound through the playback worklet of the engine in use. */
  async function voicePlays(text: string): Promise<void> {
    const voice = await recordVoice(probe!);
    await control({ action: 'turn', text, outputTranscript: [text], audioSeconds: 1 });
    await waitFor(() => voice.rms().filter((level) => level > 0.01).length > 20, { message: 'the voice on the new context' });
    voice.stop();
    await waitFor(() => lastModelText(probe!.transcript) === text, { message: 'the answer in the transcript' });
  }

  it('builds a new context when one comes back from an interruption with a frozen clock; microphone and voice go on, on the same connection', async () => {
    const recorder = recordUserMedia();
    try {
      const first = await started();
      const old = first.context;
      probe!.session.sendText('Before the call');
      await waitFor(() => lastModelText(probe!.transcript), { message: 'the answer before the call' });
      await probe!.reach('listening');
      stubState(old, 'interrupted');
      await sleep(200);
      expect(engineOf(probe!), 'nothing is rebuilt during the interruption').to.equal(first);
      stubFrozenClock(old);
      stubState(old, 'running');
      const revived = await revivedFrom(first);
      unstub(old);
      stubbed = undefined;
      await waitFor(() => old.state === 'closed', { message: 'the old context closed' });
      expect(revived.context).to.not.equal(old);
      await waitFor(() => revived.context.state === 'running', { message: 'the new context running' });
      // The microphone was opened again on the new context, and the old stream stopped.
      expect(recorder.streams).to.have.length(2);
      expect(revived.microphoneStream).to.equal(recorder.streams[1]);
      expect(recorder.streams[0].getTracks().every((track) => track.readyState === 'ended')).to.be.true;
      expect(recorder.streams[1].getAudioTracks()[0].readyState).to.equal('live');
      const before = await chunksSent();
      await waitFor(async () => (await chunksSent()) > before + 25, { message: 'microphone audio after the new context' });
      await voicePlays('Still here after the call.');
      const records = await connectionsOf(probe);
      expect(records, 'the same connection').to.have.length(1);
      expect(records[0].close).to.be.null;
      const turns = probe!.transcript.snapshot;
      expect(turns[0]).to.include({ role: 'user', text: 'Before the call' });
      expect(turns[turns.length - 1]).to.include({ role: 'model', text: 'Still here after the call.', final: true });
      expect(probe!.states).to.not.include('reconnecting');
      expect(probe!.errors).to.deep.equal([]);
      expect(probe!.session.state).to.be.oneOf(['listening', 'speaking']);
    } finally {
      recorder.restore();
    }
  });

  it('builds a new context when resume rejects after the interruption ended, and keeps it muted', async () => {
    const first = await started();
    const old = first.context;
    probe!.session.muted = true;
    Object.defineProperty(old, 'resume', {
      configurable: true,
      value: () => Promise.reject(new DOMException('Failed to start the audio device', 'InvalidStateError')),
    });
    stubState(old, 'interrupted');
    stubState(old, 'suspended');
    const revived = await revivedFrom(first);
    expect(revived.muted).to.be.true;
    probe!.session.muted = false;
    expect(revived.muted).to.be.false;
    const before = await chunksSent();
    await waitFor(async () => (await chunksSent()) > before + 25, { message: 'microphone audio once unmuted' });
    await voicePlays('Back again.');
    expect(await connectionsOf(probe)).to.have.length(1);
    expect(probe!.errors).to.deep.equal([]);
  });

  it('keeps the same context when the interruption ends with a running clock, without resuming during it', async () => {
    const first = await started();
    const old = first.context;
    let resumedWhileInterrupted = 0;
    const resume = old.resume.bind(old);
    Object.defineProperty(old, 'resume', {
      configurable: true,
      value: () => {
        if (old.state === 'interrupted') resumedWhileInterrupted++;
        return resume();
      },
    });
    stubState(old, 'interrupted');
    await sleep(300);
    // The system ends the interruption: the context's own state ("running") and moving clock show through.
    delete (old as unknown as Record<string, unknown>).state;
    old.dispatchEvent(new Event('statechange'));
    await sleep(1500);
    expect(engineOf(probe!)).to.equal(first);
    expect(old.state).to.equal('running');
    expect(resumedWhileInterrupted).to.equal(0);
    await voicePlays('Same context.');
  });

  it('brings back a typed conversation without opening a microphone', async () => {
    const recorder = recordUserMedia();
    try {
      const first = await started({ textOnly: true });
      stubFrozenClock(first.context);
      stubState(first.context, 'interrupted');
      stubState(first.context, 'running');
      const revived = await revivedFrom(first);
      expect(revived.capturing).to.be.false;
      expect(recorder.streams).to.have.length(0);
      await voicePlays('Typed and heard.');
    } finally {
      recorder.restore();
    }
  });

  it('releases the half-built engine when the session ends during a revival', async () => {
    const recorder = recordUserMedia({ delayMs: 600 });
    let created: ReturnType<typeof recordContexts> | undefined;
    try {
      const first = await started();
      created = recordContexts();
      stubFrozenClock(first.context);
      stubState(first.context, 'interrupted');
      stubState(first.context, 'running');
      // The new context exists and its microphone is still being granted.
      await waitFor(() => created!.contexts.length === 1, { timeout: 3000, message: 'the new context' });
      expect(engineOf(probe!)).to.equal(first);
      const contexts = [first.context, ...created.contexts];
      unstub(first.context);
      stubbed = undefined;
      await probe!.session.dispose();
      expect(contexts.map((context) => context.state)).to.deep.equal(['closed', 'closed']);
      // The grant that comes after the end is stopped at once.
      await sleep(800);
      expect(recorder.tracks().every((track) => track.readyState === 'ended')).to.be.true;
    } finally {
      created?.restore();
      recorder.restore();
    }
  });
});
