import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resumeKey, sessionOptions } from '../../../src/live/element-settings.js';
import { DEFAULT_MODEL } from '../../../src/shared/default-model.js';
import { elementSettings } from '../../fixtures/live-options.js';

const defaults = elementSettings();
const place = { path: '/help', element: '0' };

test('sessionOptions carries every setting over, with audio processing as the opposite of no-audio-processing', () => {
  const tokenProvider = async () => 'token';
  const tool = { name: 'lookup', description: 'Looks up', handler: () => 'found' };
  const options = sessionOptions(
    {
      ...defaults,
      tokenEndpoint: '/api/token',
      tokenProvider,
      apiKey: 'key',
      apiBaseUrl: 'http://localhost:1',
      apiVersion: 'v1beta',
      model: 'gemini-other',
      voice: 'Kore',
      responseModality: 'text',
      language: 'de-DE',
      systemInstruction: 'Be brief.',
      transcription: 'input',
      mode: 'push-to-talk',
      startSensitivity: 'low',
      endSensitivity: 'high',
      silenceMs: 800,
      prefixPaddingMs: 40,
      googleSearch: true,
      tools: [tool],
      config: { temperature: 0.5 },
      chunkMs: 40,
      noAudioProcessing: true,
      bargeIn: 'guarded',
      audioConstraints: { deviceId: { exact: 'mic-2' } },
      microphoneId: 'mic-3',
      speakerId: 'speaker-2',
      cameraId: '',
      volume: 0.5,
      resume: true,
      videoFps: 2,
      muted: true,
      textOnly: true,
    },
    { path: '/help', element: 'support' },
  );
  assert.deepEqual(options, {
    tokenEndpoint: '/api/token',
    tokenProvider,
    apiKey: 'key',
    apiBaseUrl: 'http://localhost:1',
    apiVersion: 'v1beta',
    model: 'gemini-other',
    voice: 'Kore',
    responseModality: 'text',
    language: 'de-DE',
    systemInstruction: 'Be brief.',
    transcription: 'input',
    mode: 'push-to-talk',
    startSensitivity: 'low',
    endSensitivity: 'high',
    silenceMs: 800,
    prefixPaddingMs: 40,
    googleSearch: true,
    tools: [tool],
    config: { temperature: 0.5 },
    chunkMs: 40,
    audioProcessing: false,
    bargeIn: 'guarded',
    audioConstraints: { deviceId: { exact: 'mic-2' } },
    microphoneId: 'mic-3',
    speakerId: 'speaker-2',
    cameraId: undefined,
    volume: 0.5,
    resume: true,
    videoFps: 2,
    muted: true,
    textOnly: true,
    resumeKey: 'gemini-live:resume:/help:gemini-other:support',
  });
});

test('sessionOptions falls back to the defaults for unknown values, an empty model and missing tools', () => {
  const options = sessionOptions({ ...defaults, model: '', responseModality: 'video', mode: 'hold', tools: null }, place);
  assert.equal(options.model, DEFAULT_MODEL);
  assert.equal(options.responseModality, 'audio');
  assert.equal(options.mode, 'auto');
  assert.deepEqual(options.tools, []);
  assert.equal(options.audioProcessing, true);
  assert.equal(options.resumeKey, `gemini-live:resume:/help:${DEFAULT_MODEL}:0`);
});

test('resumeKey keeps pages, models and elements apart', () => {
  const keys = new Set([
    resumeKey('a', { path: '/x', element: '0' }),
    resumeKey('a', { path: '/y', element: '0' }),
    resumeKey('b', { path: '/x', element: '0' }),
    resumeKey('a', { path: '/x', element: '1' }),
    resumeKey('a', { path: '/x', element: 'chat' }),
  ]);
  assert.equal(keys.size, 5);
  assert.equal(resumeKey(undefined, place), resumeKey(DEFAULT_MODEL, place));
});
