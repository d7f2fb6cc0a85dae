import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIBLE_VOICE, bargeInMode, cancelsPageOutput, EchoGuard, VoiceEnvelope } from '../../../src/audio/echo-guard.js';
import { publishVoiceLevel, voiceLevelAt } from '../../../src/worklets/voice-level.js';
import { firstAbove, lastAbove, loudChunks, runScene, scene, type SceneResult, type Tone } from '../../fixtures/echo-scene.js';
import { decibels, sine } from '../../fixtures/signal.js';

const RATE = 48000;
// One PCM16 step: a chunk with any sample above this carries sound.
const NONZERO = 1 / 32768;
// The voice plays at -9 dBFS from 0.2 s; its echo reaches the microphone 50 ms later at -30 dBFS.
const voiceTone = (to = 3.2): Tone => ({ from: 0.2, to, dbfs: -9 });
const echoTone = (to = 3.2): Tone => ({ from: 0.25, to: to + 0.05, dbfs: -30 });
// Someone speaking up, at -6 dBFS, from 1.0 s to 1.4 s.
const speech: Tone = { from: 1, to: 1.4, dbfs: -6, frequency: 180 };
// Every chunk whose middle lies in [from, to).
const allChunks = (result: SceneResult, from: number, to: number) => loudChunks(result, -1, from, to);

describe('EchoGuard', () => {
  it('guarded: echo at -30 dBFS under a -9 dBFS voice is sent as silence, except within the hold after speech', () => {
    const seconds = 4;
    const voice = scene(RATE, seconds, [voiceTone()]);
    const mic = scene(RATE, seconds, [echoTone(), speech]);
    const result = runScene(RATE, voice, mic, { mode: 'guarded' });
    assert.equal(result.chunkPeaks.length, 199);
    // Silence before the speech and after its hold: not one PCM16 step in any chunk.
    assert.deepEqual(loudChunks(result, NONZERO, 0, 0.99), []);
    assert.deepEqual(loudChunks(result, NONZERO, 1.72, seconds), []);
    // The speech, and the echo within the hold after it, are sent: every chunk in between carries sound.
    assert.deepEqual(loudChunks(result, NONZERO, 1.01, 1.64), allChunks(result, 1.01, 1.64));
    // The hold: sound keeps passing for 250 ms and a little more (the microphone level's release), no longer.
    const hold = lastAbove(result.guarded, RATE, NONZERO, speech.to);
    assert.ok(hold >= 0.25 && hold <= 0.3, `hold ${hold} s`);
  });

  it('guarded: speech at -6 dBFS passes within one render quantum; speech as quiet as the echo does not', () => {
    const seconds = 2;
    const voice = scene(RATE, seconds, [voiceTone()]);
    const loud = runScene(RATE, voice, scene(RATE, seconds, [echoTone(), speech]), { mode: 'guarded' });
    const delay = firstAbove(loud.guarded, RATE, 0.1, speech.from);
    assert.ok(delay >= 0 && delay <= 128 / RATE, `speech passed after ${delay * 1000} ms`);
    // From the second quantum on, the speech is sent untouched.
    const start = Math.round(speech.from * RATE) + 256;
    const mic = scene(RATE, seconds, [echoTone(), speech]);
    assert.deepEqual(loud.guarded.subarray(start, start + 4800), mic.subarray(start, start + 4800));

    const quiet = runScene(RATE, voice, scene(RATE, seconds, [echoTone(), { ...speech, dbfs: -30 }]), { mode: 'guarded' });
    assert.equal(lastAbove(quiet.guarded, RATE, 0, 0.3), -1);
  });

  it('guarded: with the voice silent, everything passes untouched', () => {
    const seconds = 2;
    const voice = new Float32Array(RATE * seconds);
    const mic = scene(RATE, seconds, [echoTone(), { ...speech, dbfs: -40 }]);
    const result = runScene(RATE, voice, mic, { mode: 'guarded' });
    assert.deepEqual(result.guarded, mic);
    assert.deepEqual(result.chunkPeaks, runScene(RATE, voice, mic, { mode: 'always' }).chunkPeaks);
    assert.ok(result.guard.passing);
  });

  it('guarded: the hold keeps the quiet tail of a word, not a quiet sound on its own', () => {
    const seconds = 3;
    const voice = scene(RATE, seconds, [voiceTone()]);
    // A word at -6 dBFS whose tail falls to -36 dBFS for 150 ms; later a -36 dBFS sound of its own.
    const word: Tone[] = [
      { from: 1, to: 1.3, dbfs: -6, frequency: 180 },
      { from: 1.3, to: 1.45, dbfs: -36, frequency: 180 },
      { from: 2, to: 2.2, dbfs: -36, frequency: 180 },
    ];
    const mic = scene(RATE, seconds, word);
    const result = runScene(RATE, voice, mic, { mode: 'guarded' });
    const tail = [Math.round(1.3 * RATE), Math.round(1.45 * RATE)];
    assert.deepEqual(result.guarded.subarray(tail[0], tail[1]), mic.subarray(tail[0], tail[1]));
    assert.equal(lastAbove(result.guarded, RATE, 0, 1.9), -1);
  });

  it('guarded: a steady sound that the fading voice uncovers between phrases is not held open into the next phrase', () => {
    const seconds = 3;
    // Two phrases with a 400 ms pause; the room's own steady sound at -30 dBFS all along (no echo in this scene).
    const voice = scene(RATE, seconds, [voiceTone(1.2), { from: 1.6, to: 2.8, dbfs: -9 }]);
    const mic = scene(RATE, seconds, [{ from: 0, to: seconds, dbfs: -30, frequency: 1000 }]);
    const result = runScene(RATE, voice, mic, { mode: 'guarded' });
    // In the pause the voice's level falls below the sound's, which then passes (it is not the voice's echo) ...
    assert.ok(loudChunks(result, NONZERO, 1.2, 1.6).length > 0, 'the sound in the pause');
    // ... but it holds nothing open: from the next phrase's second chunk on, silence.
    assert.deepEqual(loudChunks(result, NONZERO, 1.64, 2.8), []);
    // A voice that stays loud through its pauses (200 ms, within the voice level's hold) uncovers nothing.
    const close = runScene(RATE, scene(RATE, seconds, [voiceTone(1.2), { from: 1.4, to: 2.8, dbfs: -9 }]), mic, { mode: 'guarded' });
    assert.deepEqual(loudChunks(close, NONZERO, 0.24, 2.8), []);
  });

  it('guarded: a louder steady sound, 13 to 18 dB under the voice, is not held open into the next phrase either, at any rate', () => {
    const seconds = 3;
    for (const rate of [48000, 44100, 22050]) {
      for (const pause of [0.3, 0.4]) {
        const next = 1.2 + pause;
        const voice = scene(rate, seconds, [voiceTone(1.2), { from: next, to: 2.8, dbfs: -9 }]);
        for (const dbfs of [-22, -24, -27]) {
          const mic = scene(rate, seconds, [{ from: 0, to: seconds, dbfs, frequency: 1000 }]);
          const result = runScene(rate, voice, mic, { mode: 'guarded' });
          assert.deepEqual(loudChunks(result, NONZERO, next + 0.04, 2.8), [], `${rate} Hz, ${pause * 1000} ms pause, ${dbfs} dBFS`);
        }
      }
    }
  });

  it('guarded: the echo of a steady voice, arriving up to 150 ms late, is not let through as the voice ends, at any rate', () => {
    for (const rate of [48000, 44100, 22050]) {
      for (const delay of [0.06, 0.1, 0.15]) {
        const voice = scene(rate, 2, [{ from: 0.2, to: 1.2, dbfs: -9, frequency: 220 }]);
        const mic = scene(rate, 2, [{ from: 0.2 + delay, to: 1.2 + delay, dbfs: -27, frequency: 220 }]);
        const result = runScene(rate, voice, mic, { mode: 'guarded' });
        assert.deepEqual(loudChunks(result, NONZERO, 0.3, 2), [], `${rate} Hz, echo ${delay * 1000} ms late`);
      }
    }
  });

  it('a hold the old microphone started ends when the guard is rearmed for a new one', () => {
    const seconds = 2;
    const voice = scene(RATE, seconds, [voiceTone()]);
    const mic = scene(RATE, seconds, [echoTone(), speech]);
    const result = runScene(RATE, voice, mic, { mode: 'guarded' }, 20, (time, guard) => {
      if (Math.abs(time - 1.45) < 64 / RATE) guard.rearm();
    });
    assert.ok(loudChunks(result, NONZERO, 1.01, 1.4).length > 0, 'the speech');
    assert.deepEqual(loudChunks(result, NONZERO, 1.47, seconds), []);
  });

  it('guarded: a steady sound heard as the voice fades in, and between its syllables, holds nothing open', () => {
    const seconds = 3;
    // As the simulator speaks: a 220 Hz tone at -9 dBFS peak, its loudness rising and falling four times a second
    // (down 14 dB at the dips), faded in over 10 ms from 0.2 s.
    const voice = new Float32Array(RATE * seconds);
    for (let i = Math.round(0.2 * RATE); i < voice.length; i++) {
      const t = i / RATE - 0.2;
      const syllables = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t);
      voice[i] = 10 ** (-9 / 20) * Math.min(1, t / 0.01) * syllables * Math.sin(2 * Math.PI * 220 * t);
    }
    const mic = scene(RATE, seconds, [{ from: 0, to: seconds, dbfs: -30, frequency: 1000 }]);
    const result = runScene(RATE, voice, mic, { mode: 'guarded' });
    // Before the voice the sound passes; from the voice's second chunk on, nothing.
    assert.ok(loudChunks(result, NONZERO, 0, 0.2).length >= 9);
    assert.deepEqual(loudChunks(result, NONZERO, 0.24, seconds), []);
  });

  it('always: never guarded, even under a loud voice', () => {
    const seconds = 2;
    const voice = scene(RATE, seconds, [voiceTone()]);
    const mic = scene(RATE, seconds, [echoTone()]);
    const result = runScene(RATE, voice, mic, { mode: 'always' });
    assert.deepEqual(result.guarded, mic);
    assert.equal(result.guard.guarding, false);
  });

  it('auto: guards the first 3 s of voice, then trusts the canceller; rearm() guards again; an untrusted canceller always', () => {
    const seconds = 7;
    const voice = scene(RATE, seconds, [voiceTone(6.2)]);
    const mic = scene(RATE, seconds, [echoTone(6.2)]);
    const trusted = runScene(RATE, voice, mic, { mode: 'auto' });
    assert.deepEqual(loudChunks(trusted, NONZERO, 0, 3.19), []);
    assert.deepEqual(loudChunks(trusted, NONZERO, 3.21, 6.2), allChunks(trusted, 3.21, 6.2));

    const rearmed = runScene(RATE, voice, mic, { mode: 'auto' }, 20, (time, guard) => {
      if (Math.abs(time - 4) < 64 / RATE) guard.rearm();
    });
    assert.deepEqual(loudChunks(rearmed, NONZERO, 3.21, 3.99), allChunks(rearmed, 3.21, 3.99));
    assert.deepEqual(loudChunks(rearmed, NONZERO, 4.03, seconds), []);

    const untrusted = runScene(RATE, voice, mic, { mode: 'auto', echoCancelled: false });
    assert.deepEqual(loudChunks(untrusted, NONZERO), []);
  });

  it('reads the mode from the attribute, and what a track says about echo cancellation', () => {
    assert.equal(bargeInMode('guarded'), 'guarded');
    assert.equal(bargeInMode('always'), 'always');
    assert.equal(bargeInMode('auto'), 'auto');
    assert.equal(bargeInMode('sometimes'), 'auto');
    assert.equal(bargeInMode(undefined), 'auto');
    assert.equal(new EchoGuard({ sampleRate: RATE }).mode, 'auto');
    assert.equal(cancelsPageOutput(true), true);
    assert.equal(cancelsPageOutput('all'), true);
    assert.equal(cancelsPageOutput(undefined), true);
    assert.equal(cancelsPageOutput(false), false);
    assert.equal(cancelsPageOutput('remote-only'), false);
  });
});

describe('VoiceEnvelope', () => {
  it('holds a steady voice for 200 ms after it stops, at 48, 44.1 and 22.05 kHz', () => {
    const amplitude = 10 ** (-9 / 20);
    for (const rate of [48000, 44100, 22050]) {
      const envelope = new VoiceEnvelope({ sampleRate: rate });
      const voice = scene(rate, 1.3, [{ from: 0, to: 1, dbfs: -9, frequency: 220 }]);
      let playing = 0;
      let at150 = 0;
      for (let start = 0; start + 128 <= voice.length; start += 128) {
        const level = envelope.add(voice.subarray(start, start + 128));
        const time = start / rate;
        if (time < 1) playing = level;
        if (time <= 1.15) at150 = level;
      }
      assert.ok(playing > (amplitude / Math.SQRT2) * 0.8, `${rate} Hz: level ${decibels(playing)} dB`);
      assert.ok(decibels(at150 / playing) > -3, `${rate} Hz: ${decibels(at150 / playing).toFixed(1)} dB 150 ms after the voice`);
    }
  });

  it('holds the loudest level of the last 200 ms, then falls 200 dB a second', () => {
    const envelope = new VoiceEnvelope({ sampleRate: RATE });
    const amplitude = 10 ** (-9 / 20);
    const voice = sine(RATE, 300, RATE / 2, amplitude);
    const levels: number[] = [];
    const silence = new Float32Array(128);
    for (let start = 0; start + 128 <= voice.length; start += 128) levels.push(envelope.add(voice.subarray(start, start + 128)));
    const playing = levels.at(-1)!;
    // The loudest 128-frame block of a 300 Hz sine: within 1 dB of its RMS.
    assert.ok(Math.abs(decibels(playing / (amplitude / Math.SQRT2))) < 1, `level ${decibels(playing)} dB`);
    const after = (seconds: number) => {
      for (let frames = 0; frames < seconds * RATE; frames += 128) envelope.add(silence);
      return envelope.level;
    };
    // The loudest block was at most 5 blocks (4 periods of the sine) before the end.
    assert.equal(after(0.18), playing);
    assert.ok(decibels(after(0.15) / playing) < -20);
    assert.ok(after(0.2) < AUDIBLE_VOICE);
  });
});

describe('voice level between the worklets', () => {
  it('is read in the quantum written and the next, then no more; the louder of two voices counts', () => {
    publishVoiceLevel(0.2, 12800);
    publishVoiceLevel(0.5, 12800);
    publishVoiceLevel(0.1, 12800);
    assert.equal(voiceLevelAt(12800, 128), 0.5);
    assert.equal(voiceLevelAt(12928, 128), 0.5);
    assert.equal(voiceLevelAt(13056, 128), 0);
    publishVoiceLevel(0.1, 12928);
    assert.equal(voiceLevelAt(12928, 128), 0.1);
  });
});
