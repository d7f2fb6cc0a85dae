// The `barge-in` echo guard in figures: how much of the voice's echo reaches the service, how soon someone
// speaking up gets through, how long the hold keeps passing, and what the guard costs. Synthetic room, run as in
// the worklets (test/fixtures/echo-scene.ts): 48 kHz, 128-frame quanta, 20 ms chunks of 16 kHz PCM16.
//   node --import tsx bench/barge-in.ts
import { performance } from 'node:perf_hooks';
import { EchoGuard, VoiceEnvelope, type BargeIn } from '../src/audio/echo-guard.js';
import { firstAbove, lastAbove, runScene, scene } from '../test/fixtures/echo-scene.js';

const RATE = 48000;
const CHUNK_S = 0.02;
const dbfs = (value: number) => 10 ** (value / 20);

/** A deterministic pseudo-random source. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Speech-like sound from `from` to `to` s: syllables of 120–250 ms (raised-cosine envelopes, six harmonics of
 * `f0` with a slow glide) separated by 40–120 ms gaps, scaled so the syllables' RMS is that of a sine whose peak
 * is at `level` dBFS (the unit the tests use).
 */
function speechLike(seconds: number, level: number, f0: number, seed: number, from = 0, to = seconds): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  const next = random(seed);
  let t = from;
  let sumSquares = 0;
  let active = 0;
  while (t < to) {
    const length = Math.min(0.12 + next() * 0.13, to - t);
    const start = Math.round(t * RATE);
    const frames = Math.round(length * RATE);
    const glide = 0.9 + next() * 0.2;
    let phase = 0;
    for (let i = 0; i < frames && start + i < out.length; i++) {
      const envelope = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / frames);
      phase += (2 * Math.PI * f0 * (1 + ((glide - 1) * i) / frames)) / RATE;
      let sample = 0;
      for (let k = 1; k <= 6; k++) sample += Math.sin(k * phase) / k;
      out[start + i] = envelope * sample;
      sumSquares += out[start + i] ** 2;
      active++;
    }
    t += length + 0.04 + next() * 0.08;
  }
  const scale = dbfs(level) / Math.SQRT2 / Math.sqrt(sumSquares / Math.max(1, active));
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/** `signal` delayed by `delay` s and attenuated by `lossDb`, plus a fainter reflection: the echo at the microphone. */
function echoOf(signal: Float32Array, lossDb: number, delay = 0.06): Float32Array {
  const out = new Float32Array(signal.length);
  const direct = Math.round(delay * RATE);
  const reflected = Math.round((delay + 0.045) * RATE);
  const gain = dbfs(-lossDb);
  for (let i = 0; i < out.length; i++) {
    out[i] = gain * (0.85 * (signal[i - direct] ?? 0) + 0.45 * (signal[i - reflected] ?? 0));
  }
  return out;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
  return out;
}

const table = (rows: Array<Record<string, string | number>>) => console.table(rows);

// 1. Echo that reaches the service: 20 s of model speech at -9 dBFS, its echo 21 dB down 60 ms later.
const SECONDS = 21;
const VOICE = { from: 0.5, to: 20.5 };
const voice = speechLike(SECONDS, -9, 140, 1, VOICE.from, VOICE.to);
const speechSeconds = VOICE.to - VOICE.from;
console.log(`\nEcho reaching the service (20 ms chunks with any sound), per second of model speech (voice at -9 dBFS, ${speechSeconds} s):`);
const echoRows: Array<Record<string, string | number>> = [];
for (const loss of [30, 21, 15, 12, 9]) {
  const mic = echoOf(voice, loss);
  const row: Record<string, string | number> = { 'echo below the voice': `${loss} dB` };
  for (const [label, mode, cancelled] of [
    ['always (no guard)', 'always', true],
    ['guarded', 'guarded', true],
    ['auto, canceller trusted', 'auto', true],
  ] as Array<[string, BargeIn, boolean]>) {
    const result = runScene(RATE, voice, mic, { mode, echoCancelled: cancelled });
    const leaked = result.chunkPeaks.filter((chunkPeak, i) => chunkPeak > 1 / 32768 && i * CHUNK_S >= VOICE.from && i * CHUNK_S < VOICE.to + 0.3).length;
    row[label] = (leaked / speechSeconds).toFixed(2);
  }
  echoRows.push(row);
}
table(echoRows);
console.log('(auto with a trusted canceller guards only the first 3 s of voice; then the canceller is relied on, and here the echo is left in.)');

// 2. Someone speaking up while the voice plays: how soon it passes, by level.
console.log('\nSpeaking up under the voice (echo 21 dB down), 13 onsets of 600 ms: delay from the first syllable (20 dB below its peak level) to\nthe first sample sent; "never": some onset sent nothing within 600 ms (quiet speech gets through only in the voice\'s pauses)');
const echo = echoOf(voice, 21);
const speechRows: Array<Record<string, string | number>> = [];
for (const level of [-6, -12, -18, -21, -24]) {
  const delays: number[] = [];
  for (let onset = 2.03; onset < 19; onset += 1.37) {
    const user = speechLike(SECONDS, level, 220, Math.round(onset * 1000), onset, onset + 0.6);
    const result = runScene(RATE, voice, add(echo, user), { mode: 'guarded' });
    // The user's own sound (its first sample above the echo's level) against the first sample sent after it.
    const heard = firstAbove(user, RATE, dbfs(level - 20), onset - 0.01) + onset - 0.01;
    const sent = firstAbove(result.guarded, RATE, 0, heard);
    delays.push(sent < 0 || sent > 0.6 ? Infinity : sent * 1000);
  }
  delays.sort((a, b) => a - b);
  const passed = delays.filter(Number.isFinite).length;
  speechRows.push({
    'speech (sine-peak dBFS)': level,
    'onsets passed': `${passed}/${delays.length}`,
    'median ms': Number.isFinite(delays[delays.length >> 1]) ? delays[delays.length >> 1].toFixed(1) : 'never',
    'worst ms': passed === delays.length ? delays[delays.length - 1].toFixed(1) : 'never',
  });
}
table(speechRows);

// The steady-tone case of the tests: -6 dBFS speech under a -9 dBFS voice with a -30 dBFS echo.
const tones = { voice: scene(RATE, 3, [{ from: 0.2, to: 3, dbfs: -9 }]), mic: scene(RATE, 3, [{ from: 0.25, to: 3, dbfs: -30 }, { from: 1, to: 1.4, dbfs: -6, frequency: 180 }]) };
const toneResult = runScene(RATE, tones.voice, tones.mic, { mode: 'guarded' });
console.log(`\nSteady tones (voice -9, echo -30, speech -6 dBFS from 1.0 to 1.4 s), guarded:`);
console.log(`  speech passes after ${(firstAbove(toneResult.guarded, RATE, 0.1, 1) * 1000).toFixed(2)} ms (one render quantum is ${((128 / RATE) * 1000).toFixed(2)} ms)`);
console.log(`  hold: sound passes until ${(lastAbove(toneResult.guarded, RATE, 1 / 32768, 1.4) * 1000).toFixed(0)} ms after the speech ends (the 250 ms hold, after the microphone level's 10 ms release falls to the threshold)`);
const echoChunks = toneResult.chunkPeaks.filter((chunkPeak, i) => chunkPeak > 1 / 32768 && (i * CHUNK_S < 0.99 || i * CHUNK_S > 1.72)).length;
console.log(`  echo chunks sent outside the speech and its hold: ${echoChunks} of ${toneResult.chunkPeaks.length}`);

// 2b. A steady sound in the room that is not the voice's echo (a fan, a hum), under phrases of speech-like voice
// with 400 ms pauses between them: in the pauses the voice's level falls below the sound's, which then passes; it
// must not hold the guard open into the next phrase.
const PHRASE_S = 2;
const phraseStarts: number[] = [];
for (let from = VOICE.from; from + PHRASE_S <= VOICE.to; from += PHRASE_S + 0.4) phraseStarts.push(from);
const phrases = new Float32Array(SECONDS * RATE);
for (const from of phraseStarts) {
  const [first, last] = [Math.round(from * RATE), Math.round((from + PHRASE_S) * RATE)];
  phrases.set(speechLike(SECONDS, -9, 140, Math.round(from * 10), from, from + PHRASE_S).subarray(first, last), first);
}
// The phrase a chunk starting at `t` lies in (its offset into it), or -1.
const intoPhrase = (t: number) => {
  const from = phraseStarts.find((start) => t >= start && t < start + PHRASE_S);
  return from === undefined ? -1 : t - from;
};
const inPhrase = (t: number) => intoPhrase(t) >= 0;
const phraseSeconds = Array.from({ length: Math.round(SECONDS / CHUNK_S) }, (_, i) => i * CHUNK_S).filter(inPhrase).length * CHUNK_S;
console.log(`
A steady sound in the room (not the echo) under ${PHRASE_S} s phrases of voice at -9 dBFS with 400 ms pauses, guarded: chunks with it sent per second of phrase,
and in the first 300 ms of each phrase (what a sound held over from the pause would leak)`);
const roomRows: Array<Record<string, string | number>> = [];
for (const level of [-40, -33, -30, -27, -24]) {
  const room = scene(RATE, SECONDS, [{ from: 0, to: SECONDS, dbfs: level, frequency: 1000 }]);
  const result = runScene(RATE, phrases, room, { mode: 'guarded' });
  const sent = result.chunkPeaks.map((chunkPeak, i) => ({ sound: chunkPeak > 1 / 32768, t: i * CHUNK_S })).filter(({ sound, t }) => sound && inPhrase(t));
  const starts = sent.filter(({ t }) => intoPhrase(t) < 0.3).length;
  roomRows.push({ 'room sound (sine-peak dBFS)': level, 'per second of phrase': (sent.length / phraseSeconds).toFixed(2), [`in the first 300 ms of the ${phraseStarts.length} phrases`]: starts });
}
table(roomRows);

// 3. Cost: the guard and the voice envelope on 10 s of audio, per sample (best of 7 rounds).
const costVoice = speechLike(10, -9, 140, 7);
const costMic = add(echoOf(costVoice, 21), speechLike(10, -6, 220, 8, 3, 5));
let best = Infinity;
for (let round = 0; round < 7; round++) {
  const envelope = new VoiceEnvelope({ sampleRate: RATE });
  const guard = new EchoGuard({ sampleRate: RATE, mode: 'guarded' });
  const began = performance.now();
  for (let start = 0; start + 128 <= costMic.length; start += 128) {
    guard.process(costMic.subarray(start, start + 128), envelope.add(costVoice.subarray(start, start + 128)));
  }
  const elapsed = performance.now() - began;
  if (round > 0) best = Math.min(best, elapsed);
}
console.log(`\nCost: ${((best * 1e6) / costMic.length).toFixed(2)} ns per sample (guard and envelope), ${(10_000 / best).toFixed(0)}× real time\n`);
