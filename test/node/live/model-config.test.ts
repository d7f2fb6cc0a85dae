import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveConnectConfig } from '@google/genai';
import { fitConfigToModel } from '../../../src/live/model-config.js';
import { modelProfile } from '../../../src/live/models.js';

function capturingWarnings<T>(run: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    return { result: run(), warnings };
  } finally {
    console.warn = original;
  }
}

const everything = {
  responseModalities: ['TEXT'],
  thinkingConfig: { thinkingBudget: 100, thinkingLevel: 'LOW' },
  proactivity: { proactiveAudio: false },
  enableAffectiveDialog: true,
  speechConfig: { languageCode: 'de-DE', voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
} as unknown as LiveConnectConfig;

test('text answers from an audio-only model: AUDIO plus output transcription, without a warning', () => {
  const { result, warnings } = capturingWarnings(() =>
    fitConfigToModel({ responseModalities: ['TEXT'] } as LiveConnectConfig, modelProfile('gemini-2.5-flash-native-audio-latest'), 'text'),
  );
  assert.deepEqual(result, { responseModalities: ['AUDIO'], outputAudioTranscription: {} });
  assert.deepEqual(warnings, []);
});

test('3.8 is never sent a field it refuses; each setting warns once', () => {
  const profile = modelProfile('gemini-3.8-live');
  const first = capturingWarnings(() => fitConfigToModel(everything, profile, 'audio'));
  assert.deepEqual(first.result, { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } });
  assert.equal(first.warnings.length, 5);
  assert.ok(first.warnings.every((warning) => warning.startsWith('<gemini-live>: gemini-3.8-live ')));
  const again = capturingWarnings(() => fitConfigToModel(everything, profile, 'audio'));
  assert.deepEqual(again.warnings, []);
  // proactiveAudio: true is what 3.8 does anyway: not sent, nothing to warn about.
  const on = capturingWarnings(() => fitConfigToModel({ proactivity: { proactiveAudio: true } }, modelProfile('gemini-3.8-live-extended-thinking'), 'audio'));
  assert.deepEqual([on.result, on.warnings], [{}, []]);
});

test('3.1 takes thinkingLevel only; 2.5 keeps proactivity and affective dialog', () => {
  const live31 = capturingWarnings(() => fitConfigToModel(everything, modelProfile('gemini-3.1-flash-live-preview'), 'audio')).result as Record<string, unknown>;
  assert.deepEqual(live31.thinkingConfig, { thinkingLevel: 'LOW' });
  assert.equal(live31.proactivity, undefined);
  const live25 = capturingWarnings(() => fitConfigToModel(everything, modelProfile('gemini-2.5-flash-native-audio-preview-12-2025'), 'audio')).result as Record<string, unknown>;
  assert.deepEqual(live25.thinkingConfig, { thinkingBudget: 100 });
  assert.deepEqual(live25.proactivity, { proactiveAudio: false });
  assert.equal(live25.enableAffectiveDialog, true);
});

test('an unknown id gets what the attributes ask for', () => {
  assert.equal(fitConfigToModel(everything, modelProfile('gemini-9-live'), 'text'), everything);
});
