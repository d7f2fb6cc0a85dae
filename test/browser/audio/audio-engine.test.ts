import { expect } from '@open-wc/testing';
import { AudioEngine } from '../../../src/audio/audio-engine.js';
import { CaptureNode } from '../../../src/audio/capture-node.js';
import { PlaybackQueue } from '../../../src/audio/playback-queue.js';
import { loadAudioWorklets } from '../../../src/audio/worklet-loader.js';
import { decibels, peak, rms, toneAmplitude } from '../../fixtures/signal.js';
import { engine as browserEngine, fakeMicrophone } from '../../support/engine.js';
import { recordUserMedia } from '../../support/media.js';
import { joinPcm, recordChunks, sinePcm, sleep, waitFor } from './helpers.js';

// A real AudioContext and the engine's fake microphone (see test/support/engine.ts).
describe('AudioEngine (real AudioContext, fake microphone)', () => {
  let engine: AudioEngine | undefined;

  afterEach(async () => {
    await engine?.dispose();
    engine = undefined;
  });

  it('runs its context at the device rate and loads the worklets once', async () => {
    engine = new AudioEngine();
    expect(engine.context.state).to.be.oneOf(['running', 'suspended']);
    await engine.ready();
    await waitFor(() => engine!.context.state === 'running', { timeout: 2000, message: 'the context to run' });
    expect(engine.context.sampleRate).to.be.at.least(8000);
    expect(loadAudioWorklets(engine.context)).to.equal(loadAudioWorklets(engine.context));
  });

  it('reports the microphone ending (a device unplugged) for the live capture only', async () => {
    const recorder = recordUserMedia();
    try {
      engine = new AudioEngine();
      let ended = 0;
      engine.onCaptureEnded = () => ended++;
      await engine.startCapture();
      await engine.startCapture();
      const [first, second] = recorder.streams.map((stream) => stream.getAudioTracks()[0]);
      // What the browser fires when the source goes away (track.stop() fires nothing).
      first.dispatchEvent(new Event('ended'));
      expect(ended, 'a replaced capture ending is not news').to.equal(0);
      second.dispatchEvent(new Event('ended'));
      expect(ended).to.equal(1);
    } finally {
      recorder.restore();
    }
  });

  it("delivers 20 ms chunks of 16 kHz PCM16 at the pace of the audio, carrying the engine's fake microphone", async () => {
    engine = new AudioEngine();
    const { chunks, arrivals } = recordChunks(engine);
    const audioTimes: number[] = [];
    // The input level as it reads when each chunk arrives.
    const levels: number[] = [];
    const record = engine.onChunk!;
    engine.onChunk = (pcm) => {
      record(pcm);
      audioTimes.push(engine!.context.currentTime);
      levels.push(engine!.inputLevel);
    };
    await engine.startCapture();
    await waitFor(() => chunks.length >= 100, { timeout: 10_000, message: '100 chunks' });
    for (const chunk of chunks) expect(chunk.byteLength).to.equal(640);
    // One chunk per 20 ms of the context's own clock: the resampler makes exactly as much audio as it is given.
    const audioSpan = audioTimes[audioTimes.length - 1] - audioTimes[20];
    expect(((audioTimes.length - 21) * 0.02) / audioSpan, 'chunks per audio time').to.be.within(0.9, 1.1);
    // And about one per 20 ms of wall-clock time (generous: a loaded machine delays delivery).
    const settled = arrivals.slice(20);
    const meanInterval = (settled[settled.length - 1] - settled[0]) / (settled.length - 1);
    expect(meanInterval).to.be.within(14, 30);
    const pcm = joinPcm(chunks.slice(20));
    expect(peak(pcm)).to.be.above(fakeMicrophone.peak * 0.5);
    // Chromium's beeps leave near-silence between them; the other engines' tones never stop.
    const quietest = Math.min(...chunks.slice(20).map((chunk) => peak(joinPcm([chunk]))));
    if (fakeMicrophone.continuous) expect(quietest).to.be.above(0.01);
    else expect(quietest).to.be.below(0.01);

    // The level follows the same signal. A new reading, the RMS of the last 50 ms of input, rides on the next
    // chunk; the chunks trail it by the resampler's delay (a few ms). So the reading that arrives with chunk i
    // covers all of chunk i-1 and nothing outside chunks i-3..i+1, and together the readings carry the energy of
    // the chunks they cover. Energies are mean squares times milliseconds; readings from 50 to 54 ms (48 and
    // 44.1 kHz contexts round the 50 ms up to whole render quanta).
    const energy = (from: number, to: number) =>
      chunks.slice(Math.max(0, from), to + 1).reduce((sum, chunk) => sum + rms(joinPcm([chunk])) ** 2 * 20, 0);
    const readings = levels.flatMap((level, i) => (i > 20 && i < levels.length - 1 && level !== levels[i - 1] ? [i] : []));
    // A small allowance for the PCM16 quantisation of the chunks.
    const floor = 0.001;
    for (const i of readings) {
      const at = `reading ${levels[i].toFixed(4)} with chunk ${i}`;
      expect(levels[i], `${at}: quieter than the chunk before`).to.be.at.least(Math.sqrt(energy(i - 1, i - 1) / 54) * 0.9 - floor);
      expect(levels[i], `${at}: louder than the chunks around it`).to.be.at.most(Math.sqrt(energy(i - 3, i + 1) / 50) * 1.1 + floor);
    }
    const carried = readings.reduce((sum, i) => sum + levels[i] ** 2 * 50, 0);
    const [first, last] = [readings[0], readings[readings.length - 1]];
    expect(carried, 'the energy the readings carry').to.be.within(energy(first - 1, last - 1) * 0.8, energy(first - 3, last + 1) * 1.25);
    // Chromium's silences between beeps read as silence, and its beeps as sound.
    if (!fakeMicrophone.continuous) {
      expect(Math.min(...readings.map((i) => levels[i]))).to.be.below(floor);
      expect(Math.max(...readings.map((i) => levels[i]))).to.be.above(fakeMicrophone.peak * 0.5);
    }
  });

  if (browserEngine === 'firefox') {
    it("(Firefox's fake microphone: a 1 kHz sine at -20 dBFS) keeps the tone's level and frequency through the resampler", async () => {
      engine = new AudioEngine();
      const { chunks } = recordChunks(engine);
      await engine.startCapture({ audioProcessing: false });
      await waitFor(() => chunks.length >= 100, { timeout: 10_000, message: '100 chunks' });
      // Skip the first half second: the fake device and the graph start up.
      const pcm = joinPcm(chunks.slice(25));
      expect(Math.abs(decibels(toneAmplitude(pcm, 16000, 1000) / 0.1)), 'level of 1 kHz').to.be.below(1);
      // Nothing else: the tone arrives at its own frequency, not shifted by a rate mismatch.
      for (const other of [500, 900, 1100, 2000]) {
        expect(decibels(toneAmplitude(pcm, 16000, other) / 0.1), `level at ${other} Hz`).to.be.below(-30);
      }
    });
  }

  it('honours chunkMs', async () => {
    engine = new AudioEngine();
    const sizes: number[] = [];
    engine.onChunk = (pcm) => sizes.push(pcm.byteLength);
    await engine.startCapture({ chunkMs: 40 });
    await waitFor(() => sizes.length >= 5, { timeout: 5000, message: '5 chunks' });
    expect(new Set(sizes)).to.deep.equal(new Set([1280]));
  });

  it('asks for voice processing by default and for none with audioProcessing: false', async () => {
    engine = new AudioEngine();
    // What the engine asks for (WebKit's track.getConstraints() drops the constraints it does not implement).
    const asked: MediaTrackConstraints[] = [];
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      asked.push(constraints!.audio as MediaTrackConstraints);
      return original(constraints);
    };
    try {
      await engine.startCapture();
      const track = engine.microphoneStream!.getAudioTracks()[0];
      expect(asked[0]).to.include({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
      expect(track.getConstraints()).to.include({ echoCancellation: true });
      await engine.startCapture({ audioProcessing: false });
      expect(track.readyState, 'the replaced track is stopped').to.equal('ended');
      expect(asked[1]).to.include({ echoCancellation: false, noiseSuppression: false, autoGainControl: false });
      const next = engine.microphoneStream!.getAudioTracks()[0];
      expect(next.getConstraints()).to.include({ echoCancellation: false });
      expect(next.getSettings().echoCancellation).to.equal(false);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it('mute gates the chunks without asking for the microphone again', async () => {
    engine = new AudioEngine();
    let chunks = 0;
    engine.onChunk = () => chunks++;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    let prompts = 0;
    navigator.mediaDevices.getUserMedia = (constraints) => {
      prompts++;
      return original(constraints);
    };
    try {
      await engine.startCapture();
      await waitFor(() => chunks >= 5, { timeout: 5000, message: 'chunks' });
      engine.muted = true;
      expect(engine.inputLevel).to.equal(0);
      const atMute = chunks;
      await sleep(300);
      expect(chunks).to.equal(atMute);
      engine.muted = false;
      await waitFor(() => chunks >= atMute + 5, { timeout: 5000, message: 'chunks after unmuting' });
      expect(prompts).to.equal(1);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it("rejects with getUserMedia's own error, untouched", async () => {
    engine = new AudioEngine();
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    let thrown: unknown;
    navigator.mediaDevices.getUserMedia = (constraints) =>
      original(constraints).catch((error: unknown) => {
        thrown = error;
        throw error;
      });
    try {
      let caught: unknown;
      const constraints = { deviceId: { exact: 'no-such-microphone' } };
      await engine.startCapture({ constraints }).catch((error: unknown) => (caught = error));
      expect(thrown).to.exist;
      expect(caught).to.equal(thrown);
      expect((caught as Error).name).to.be.oneOf(['OverconstrainedError', 'NotFoundError']);
      expect(engine.capturing).to.equal(false);
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
  });

  it('stops waiting when its signal aborts', async () => {
    engine = new AudioEngine();
    const controller = new AbortController();
    const reason = new DOMException('gone', 'AbortError');
    const started = engine.startCapture({ signal: controller.signal });
    controller.abort(reason);
    let caught: unknown;
    await started.catch((error: unknown) => (caught = error));
    expect(caught).to.equal(reason);
    await sleep(200);
    expect(engine.capturing).to.equal(false);
  });

  it('plays model audio, reports its level and end, and exposes it as outputStream', async () => {
    engine = new AudioEngine();
    let ended = 0;
    let started = 0;
    engine.onPlaybackEnd = () => ended++;
    engine.onPlaybackStart = () => started++;
    const [track] = engine.outputStream.getAudioTracks();
    expect(track.readyState).to.equal('live');
    // Listen to outputStream from another context.
    const listener = new AudioContext();
    const analyser = new AnalyserNode(listener, { fftSize: 2048 });
    listener.createMediaStreamSource(engine.outputStream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let streamPeak = 0;
    const listen = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      streamPeak = Math.max(streamPeak, peak(samples));
    }, 10);
    // Queued before the worklets are even loaded: kept and played.
    engine.startTurn();
    for (let i = 0; i < 10; i++) engine.enqueue(sinePcm(24000, 440, 960, 0.5, i * 960));
    expect(engine.playing).to.equal(true);
    let loudest = 0;
    const poll = setInterval(() => (loudest = Math.max(loudest, engine?.outputLevel ?? 0)), 10);
    await waitFor(() => ended === 1, { timeout: 5000, message: 'the end of playback' });
    clearInterval(poll);
    clearInterval(listen);
    await listener.close();
    // The voice, not silence and not louder than sent. (WebKitGTK's hop from one context to another through a
    // MediaStream sometimes hands over only a short, faded stretch of it: peaks of 0.25 were seen.)
    expect(streamPeak, 'outputStream carries the voice').to.be.within(0.2, 0.55);
    expect(started).to.equal(1);
    expect(engine.playing).to.equal(false);
    expect(engine.underruns).to.equal(0);
    expect(loudest).to.be.within(0.3, 0.4); // RMS of a 0.5 sine ≈ 0.354
    expect(engine.outputLevel).to.equal(0);
  });

  it('flush() stops playback at once and reports what was heard', async () => {
    engine = new AudioEngine();
    await engine.ready();
    let ended = 0;
    engine.onPlaybackEnd = () => ended++;
    engine.startTurn();
    engine.enqueue(sinePcm(24000, 440, 48000, 0.5)); // 2 s
    await waitFor(() => engine!.played().playedMs > 300, { timeout: 5000, message: '300 ms played' });
    const before = engine.played().playedMs;
    const { playedMs } = await engine.flush();
    // Not less than heard before the call (1 ms for the estimate's rounding: it extrapolates on the context clock).
    expect(playedMs).to.be.within(before - 1, before + 100);
    expect(ended).to.equal(1);
    expect(engine.playing).to.equal(false);
    await sleep(100);
    expect(engine.outputLevel).to.equal(0);
    // The next turn plays normally.
    engine.startTurn();
    engine.enqueue(sinePcm(24000, 440, 4800, 0.5));
    await waitFor(() => ended === 2, { timeout: 5000, message: 'the next turn to play out' });
  });

  it('is created and disposed: tracks ended, nodes released, context closed, idempotent', async () => {
    engine = new AudioEngine();
    await engine.startCapture();
    const microphone = engine.microphoneStream!;
    const output = engine.outputStream;
    const first = engine.dispose();
    expect(engine.dispose()).to.equal(first);
    await first;
    expect(engine.context.state).to.equal('closed');
    for (const track of [...microphone.getTracks(), ...output.getTracks()]) expect(track.readyState).to.equal('ended');
    expect(engine.capturing).to.equal(false);
    expect(engine.playing).to.equal(false);
    engine.enqueue(new ArrayBuffer(960)); // ignored, no throw
    let caught: unknown;
    await engine.startCapture().catch((error: unknown) => (caught = error));
    expect((caught as DOMException).name).to.equal('InvalidStateError');
  });

  it('takes over a context created by the caller and closes it on dispose', async () => {
    const context = new AudioContext();
    engine = new AudioEngine({ context });
    expect(engine.context).to.equal(context);
    await engine.ready();
    await engine.dispose();
    expect(context.state).to.equal('closed');
  });
});

describe('CaptureNode and PlaybackQueue (created and disposed)', () => {
  it('CaptureNode: releases its source and port; nothing arrives after dispose', async () => {
    const context = new AudioContext();
    const node = await CaptureNode.create(context);
    const oscillator = new OscillatorNode(context);
    node.connectSource(oscillator);
    oscillator.start();
    let chunks = 0;
    node.onChunk = () => chunks++;
    await waitFor(() => chunks > 2, { timeout: 5000, message: 'chunks' });
    node.dispose();
    node.dispose();
    const atDispose = chunks;
    await sleep(200);
    expect(chunks).to.equal(atDispose);
    expect(node.onChunk).to.equal(null);
    expect(node.level).to.equal(0);
    await context.close();
  });

  it('CaptureNode: levels ride on the chunks (one message each), and come on their own while muted', async () => {
    const context = new AudioContext();
    try {
      const node = await CaptureNode.create(context);
      const oscillator = new OscillatorNode(context, { frequency: 440 });
      const gain = new GainNode(context, { gain: 0.5 });
      oscillator.connect(gain);
      node.connectSource(gain);
      oscillator.start();
      let chunks = 0;
      let levels = 0;
      let messages = 0;
      let loudest = 0;
      node.onChunk = () => chunks++;
      node.onLevel = (rms) => {
        levels++;
        loudest = Math.max(loudest, rms);
      };
      node.node.port.addEventListener('message', () => messages++);
      await waitFor(() => chunks >= 50, { timeout: 5000, message: '50 chunks' });
      // About 20 levels a second beside 50 chunks, and not one message more than the chunks.
      expect(levels).to.be.within(chunks / 4, chunks / 2 + 2);
      expect(messages).to.equal(chunks);
      expect(loudest).to.be.closeTo(0.5 / Math.SQRT2, 0.05);

      node.muted = true;
      await sleep(100);
      const [chunksMuted, levelsMuted] = [chunks, levels];
      await sleep(500);
      expect(chunks, 'no chunks while muted').to.equal(chunksMuted);
      expect(levels - levelsMuted, 'levels on their own while muted').to.be.at.least(4);
      node.dispose();
    } finally {
      await context.close();
    }
  });

  it('PlaybackQueue: disconnects, ignores later calls, answers a pending flush', async () => {
    const context = new AudioContext();
    const queue = await PlaybackQueue.create(context);
    queue.node.connect(context.destination);
    queue.enqueue(sinePcm(24000, 440, 24000, 0.5));
    const flushed = queue.flush();
    queue.dispose();
    queue.dispose();
    const result = await flushed;
    expect(result.playedMs).to.be.at.least(0);
    queue.enqueue(new ArrayBuffer(960));
    expect(queue.playing).to.equal(false);
    expect((await queue.flush()).playedMs).to.be.at.least(0);
    await context.close();
  });
});
