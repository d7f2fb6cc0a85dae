import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EnergyActivityDetector, detectorSettingsFor } from '../../../demo/simulator/activity-detector.js';
import { splitIntoPieces } from '../../../demo/simulator/model-turn-stream.js';
import { parseWav, rms, speechLikeTone } from '../../../demo/simulator/pcm.js';
import { composeAnswer, describeDuration, describeToolResult } from '../../../demo/simulator/persona.js';
import { resamplePcm16 } from '../../../demo/simulator/resampler.js';
import { matchLiveRoute, matchRestRoute } from '../../../demo/simulator/routes.js';
import { TokenStore } from '../../../demo/simulator/tokens.js';
import { declaredFunctions, detectToolCall } from '../../../demo/simulator/tool-intent.js';
import { espeakVoiceFor } from '../../../demo/simulator/voices.js';
import { fitCloseReason, formatDuration, modelNotFoundReason } from '../../../demo/simulator/wire.js';
import { concat, silence, speech } from './helpers.js';

describe('routes', () => {
  test('reads the SDK double-slash socket path with key and token', () => {
    const key = matchLiveRoute('//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=abc');
    assert.deepEqual(
      { v: key?.apiVersion, m: key?.method, k: key?.key, p: key?.prefix, ok: key?.supported },
      { v: 'v1beta', m: 'BidiGenerateContent', k: 'abc', p: '', ok: true },
    );
    const token = matchLiveRoute(
      '//ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=auth_tokens/x1',
    );
    assert.equal(token?.accessToken, 'auth_tokens/x1');
    assert.equal(token?.method, 'BidiGenerateContentConstrained');
  });

  test('accepts a prefix and every API version, flags unknown ones, ignores other paths', () => {
    const prefixed = matchLiveRoute('/sim//api///ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent');
    assert.equal(prefixed?.prefix, '/sim/api');
    assert.equal(prefixed?.supported, true);
    assert.equal(matchLiveRoute('//ws/google.ai.generativelanguage.v9.GenerativeService.BidiGenerateContent')?.supported, false);
    assert.equal(matchLiveRoute('//ws/google.ai.generativelanguage.v1beta.GenerativeService.Other')?.supported, false);
    assert.equal(matchLiveRoute('/wds'), null);
    assert.equal(matchLiveRoute('//ws.example.com/'), null);
  });

  test('REST routes', () => {
    assert.deepEqual(matchRestRoute('/v1alpha/auth_tokens', { controlRoutes: true }), { kind: 'tokens', apiVersion: 'v1alpha', prefix: '' });
    assert.equal(matchRestRoute('//x/v1beta/auth_tokens?key=1', { controlRoutes: true })?.kind, 'tokens');
    assert.deepEqual(matchRestRoute('/__sim/connections/c2', { controlRoutes: true }), { kind: 'connections', id: 'c2' });
    assert.equal(matchRestRoute('/__sim/control', { controlRoutes: false }), null);
    assert.equal(matchRestRoute('/index.html', { controlRoutes: true }), null);
  });
});

describe('wire helpers', () => {
  test('durations are protobuf JSON', () => {
    assert.equal(formatDuration(50_000), '50s');
    assert.equal(formatDuration(500), '0.500s');
    assert.equal(formatDuration(1234.5), '1.234500s');
    assert.equal(formatDuration(0), '0s');
  });

  test('close reasons fit in 123 bytes without splitting characters', () => {
    const long = modelNotFoundReason('models/gemini-2.5-flash-native-audio-preview-09-2025', 'v1alpha');
    assert.ok(long.length > 123);
    assert.ok(Buffer.byteLength(fitCloseReason(long)) <= 123);
    const accents = 'é'.repeat(100);
    const fitted = fitCloseReason(accents);
    assert.ok(Buffer.byteLength(fitted) <= 123);
    assert.ok(!fitted.includes('\ufffd'));
  });
});

describe('resampler', () => {
  test('22050 → 24000 keeps a tone’s level and pitch', () => {
    const from = 22050;
    const input = new Int16Array(from);
    for (let i = 0; i < input.length; i++) input[i] = Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / from));
    const output = resamplePcm16(input, from, 24000);
    assert.equal(output.length, 24000);
    const middle = output.subarray(2000, 22000);
    assert.ok(Math.abs(rms(middle) - rms(input.subarray(2000, 20000))) < 0.002);
    let crossings = 0;
    for (let i = 1; i < middle.length; i++) if (middle[i - 1] < 0 !== middle[i] < 0) crossings++;
    const hz = crossings / 2 / (middle.length / 24000);
    assert.ok(Math.abs(hz - 440) < 2, `pitch ${hz}`);
  });

  test('a constant stays constant and rates can go down', () => {
    const output = resamplePcm16(new Int16Array(4800).fill(1000), 48000, 16000);
    assert.equal(output.length, 1600);
    assert.ok(output.subarray(100, 1500).every((v) => Math.abs(v - 1000) <= 1));
  });
});

describe('energy activity detector', () => {
  test('starts after ~100 ms of speech and ends after the configured silence', () => {
    const detector = new EnergyActivityDetector({ sampleRate: 16000, startMs: 100, silenceMs: 500 });
    const events = [...detector.push(concat(silence(200), speech(1500))), ...detector.push(silence(600))];
    assert.deepEqual(events.map((e) => e.type), ['start', 'end']);
    const [start, end] = events;
    assert.ok(start.sample >= 16000 * 0.3 && start.sample <= 16000 * 0.32, `start at ${start.sample}`);
    assert.equal(end.type, 'end');
    if (end.type === 'end') {
      assert.ok(Math.abs(end.speechSamples / 16000 - 1.5) < 0.05, `speech ${end.speechSamples / 16000}`);
      assert.ok(end.sample >= 16000 * 2.2);
    }
  });

  test('ignores quiet noise and short clicks; flush ends speech early', () => {
    const detector = new EnergyActivityDetector();
    const quiet = speechLikeTone(1000, 16000, { amplitude: 0.002 });
    assert.equal(detector.push(quiet).length, 0);
    assert.equal(detector.push(concat(speech(50), silence(200))).length, 0);
    assert.equal(detector.push(speech(300))[0]?.type, 'start');
    assert.equal(detector.flush()?.type, 'end');
    assert.equal(detector.flush(), null);
  });

  test('Chromium’s fake-microphone beep is not speech with the defaults, but can be made to count', () => {
    // 10 ms RMS levels (dBFS) measured from Chromium's fake device every 500 ms: raw (processing off) and with
    // the default echo cancellation / gain control, which stretches the 20 ms beep into a decaying tail.
    const raw = [-3, -3];
    const processed = [-21, -7, -8, -17, -26, -27, -32, -34, -37, -38, -39, -41, -43, -45, -47, -49, -50, -52, -55, -60];
    const beeps = (profile: number[]) => {
      const period = new Int16Array(8000);
      profile.forEach((db, frame) => {
        const amplitude = Math.pow(10, db / 20) * Math.SQRT2 * 32767;
        for (let i = 0; i < 160; i++) period[frame * 160 + i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 16000));
      });
      return concat(period, period, period, period);
    };
    assert.equal(new EnergyActivityDetector().push(beeps(raw)).length, 0);
    assert.equal(new EnergyActivityDetector().push(beeps(processed)).length, 0);
    const eager = new EnergyActivityDetector({ startMs: 10, silenceMs: 300 });
    assert.deepEqual(eager.push(beeps(raw)).map((e) => e.type), Array(4).fill(['start', 'end']).flat());
  });

  test('setup sensitivities and timings adjust the defaults', () => {
    const defaults = { thresholdDb: -40, startMs: 100, silenceMs: 600 };
    assert.deepEqual(detectorSettingsFor(undefined, defaults), { ...defaults, endThresholdDb: -40 });
    assert.deepEqual(detectorSettingsFor({ silenceDurationMs: 300, prefixPaddingMs: 20 }, defaults), {
      thresholdDb: -40,
      endThresholdDb: -40,
      startMs: 20,
      silenceMs: 300,
    });
    assert.equal(detectorSettingsFor({ startOfSpeechSensitivity: 'START_SENSITIVITY_LOW' }, defaults).thresholdDb, -34);
    // HIGH is the Gemini API's default end sensitivity: the defaults stand for it; LOW waits longer.
    assert.equal(detectorSettingsFor({ endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH' }, defaults).silenceMs, 600);
    assert.equal(detectorSettingsFor({ endOfSpeechSensitivity: 'END_SENSITIVITY_LOW' }, defaults).silenceMs, 900);
  });
});

describe('persona and tools', () => {
  test('answers say what was received, introduce once, welcome back', () => {
    assert.equal(
      composeAnswer({ kind: 'text', text: 'Hello' }, { introduce: true, welcomeBack: false, turnNumber: 1, videoFrames: 0 }),
      'Hi, this is the offline Gemini Live simulator. You said: Hello.',
    );
    assert.equal(
      composeAnswer({ kind: 'audio', seconds: 2.1 }, { introduce: false, welcomeBack: true, turnNumber: 3, videoFrames: 2 }),
      'Welcome back, this is turn three of our conversation. I heard about two seconds of speech. I also received two video frames.',
    );
    assert.equal(describeDuration(0.4), 'about half a second');
    assert.equal(describeToolResult('get_weather', { result: { temperature: 21, sky: 'sunny' } }), 'get_weather returned temperature 21, sky sunny.');
  });

  test('detects named functions with "with key value" and JSON arguments', () => {
    const functions = declaredFunctions({
      tools: [
        { functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } } }] },
        { functionDeclarations: [{ name: 'set_light', parameters: { type: 'OBJECT', properties: { on: { type: 'BOOLEAN' } } } }] },
        { googleSearch: {} },
      ],
    });
    assert.deepEqual(detectToolCall('Please call get_weather with city Paris and days 3.', functions), {
      name: 'get_weather',
      args: { city: 'Paris', days: 3 },
    });
    assert.deepEqual(detectToolCall('get_weather {"city": "Oslo"}', functions), { name: 'get_weather', args: { city: 'Oslo' } });
    assert.deepEqual(detectToolCall('set_light with on=true', functions), { name: 'set_light', args: { on: true } });
    assert.deepEqual(detectToolCall('use get_weather city: Rome', functions), { name: 'get_weather', args: { city: 'Rome' } });
    assert.equal(detectToolCall('what is the weather', functions), null);
  });

  test('transcript pieces concatenate to the text', () => {
    const text = 'Hi, this is the offline Gemini Live simulator.';
    assert.equal(splitIntoPieces(text).join(''), text);
    assert.ok(splitIntoPieces(text).length > 1);
  });

  test('voice names map to espeak variants', () => {
    assert.equal(espeakVoiceFor(undefined, undefined), 'en-us+m3');
    assert.equal(espeakVoiceFor('Kore', 'en-GB'), 'en-gb+f2');
    assert.match(espeakVoiceFor('Sulafat', 'de-DE'), /^en-us\+f\d$/);
  });

  test('WAV parsing', () => {
    const wav = Buffer.alloc(44 + 8);
    wav.write('RIFF', 0);
    wav.writeUInt32LE(44, 4);
    wav.write('WAVEfmt ', 8);
    wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20);
    wav.writeUInt16LE(1, 22);
    wav.writeUInt32LE(22050, 24);
    wav.writeUInt32LE(44100, 28);
    wav.writeUInt16LE(2, 32);
    wav.writeUInt16LE(16, 34);
    wav.write('data', 36);
    wav.writeUInt32LE(0x7fffffff, 40);
    [1, -2, 3, -4].forEach((v, i) => wav.writeInt16LE(v, 44 + i * 2));
    const parsed = parseWav(wav);
    assert.equal(parsed.sampleRate, 22050);
    assert.deepEqual([...parsed.samples], [1, -2, 3, -4]);
  });
});

describe('token store', () => {
  const setup = {
    model: 'models/gemini-live-2.5-flash-preview',
    generationConfig: { responseModalities: ['AUDIO'], temperature: 0.2 },
    systemInstruction: { parts: [{ text: 'Locked' }], role: 'user' },
  };
  const client = {
    model: 'models/other',
    generationConfig: { responseModalities: ['TEXT'], temperature: 0.9, topK: 5 },
    systemInstruction: { parts: [{ text: 'Mine' }], role: 'user' },
    outputAudioTranscription: {},
    sessionResumption: { handle: 'h' },
  };

  test('defaults: 1 use, 60 s for new sessions, 30 min overall; uses 0 is unlimited', () => {
    let now = 1_000_000;
    const store = new TokenStore({ now: () => now });
    const created = store.create({});
    assert.ok(created.ok);
    if (!created.ok) return;
    const { token } = created;
    assert.match(token.name, /^auth_tokens\/[0-9a-f]+$/);
    assert.equal(token.uses, 1);
    assert.equal(token.newSessionExpireAt - now, 60_000);
    assert.equal(token.expireAt - now, 30 * 60_000);
    assert.ok(store.check(token.name, { resuming: false, apiVersion: 'v1alpha' }).ok);
    assert.deepEqual(store.check(token.name, { resuming: false, apiVersion: 'v1beta' }), { ok: false, why: 'needs-v1alpha' });
    store.consume(token);
    assert.deepEqual(store.check(token.name, { resuming: false, apiVersion: 'v1alpha' }), { ok: false, why: 'used-up' });
    assert.ok(store.check(token.name, { resuming: true, apiVersion: 'v1alpha' }).ok);
    now += 61_000;
    assert.deepEqual(store.check(token.name, { resuming: true, apiVersion: 'v1alpha' }).ok, true);
    now += 30 * 60_000;
    assert.deepEqual(store.check(token.name, { resuming: true, apiVersion: 'v1alpha' }), { ok: false, why: 'expired' });
    const unlimited = store.create({ uses: 0 });
    assert.ok(unlimited.ok);
    if (unlimited.ok) {
      for (let i = 0; i < 5; i++) store.consume(unlimited.token);
      assert.ok(store.check(unlimited.token.name, { resuming: false, apiVersion: 'v1alpha' }).ok);
    }
    assert.equal(store.create({ expireTime: 'nonsense' }).ok, false);
    assert.equal(store.create({ expireTime: new Date(now + 21 * 3600_000).toISOString() }).ok, false);
  });

  test('a setup without a field mask locks everything; a mask locks only its paths', () => {
    const store = new TokenStore();
    const all = store.create({ bidiGenerateContentSetup: setup });
    assert.ok(all.ok);
    if (!all.ok) return;
    const lockedAll = store.applyConstraints(all.token, client);
    assert.deepEqual(lockedAll.effective, { ...setup, sessionResumption: { handle: 'h' } });
    assert.deepEqual(lockedAll.overridden.sort(), ['generationConfig', 'model', 'outputAudioTranscription', 'systemInstruction']);

    const masked = store.create({
      bidiGenerateContentSetup: setup,
      fieldMask: 'model,generationConfig.responseModalities,systemInstruction.parts,systemInstruction.role,generationConfig.topK',
    });
    assert.ok(masked.ok);
    if (!masked.ok) return;
    const lockedSome = store.applyConstraints(masked.token, client);
    assert.deepEqual(lockedSome.effective, {
      model: 'models/gemini-live-2.5-flash-preview',
      generationConfig: { responseModalities: ['AUDIO'], temperature: 0.9 },
      systemInstruction: { parts: [{ text: 'Locked' }], role: 'user' },
      outputAudioTranscription: {},
      sessionResumption: { handle: 'h' },
    });
    assert.deepEqual(lockedSome.overridden, ['model', 'generationConfig.responseModalities', 'systemInstruction.parts', 'generationConfig.topK']);

    const open = store.create({ uses: 2 });
    assert.ok(open.ok);
    if (open.ok) assert.deepEqual(store.applyConstraints(open.token, client), { effective: client, overridden: [] });
  });
});
