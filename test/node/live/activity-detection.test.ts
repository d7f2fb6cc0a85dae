// The turn-taking attributes (start-sensitivity, end-sensitivity, silence-ms, prefix-padding-ms) in the setup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ACTIVITY_MS, activityDetection, buildLiveConfig } from '../../../src/live/config.js';
import { sessionOptions } from '../../../src/live/element-settings.js';
import type { LiveSessionOptions } from '../../../src/live/live-session-options.js';
import { MODEL_PROFILES } from '../../../src/live/models.js';
import { elementSettings, liveOptions } from '../../fixtures/live-options.js';

const base = liveOptions({ model: 'gemini-3.8-live', transcription: 'none' });

const turnTaking = { startSensitivity: 'low', endSensitivity: 'high', silenceMs: 800, prefixPaddingMs: 40 };

/** `realtimeInputConfig` of the setup for `options` (warnings, which some models give, are kept out of the output). */
function realtimeInput(options: Partial<LiveSessionOptions>): unknown {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return (buildLiveConfig({ ...base, ...options }) as Record<string, unknown>).realtimeInputConfig;
  } finally {
    console.warn = warn;
  }
}

test('each attribute maps to its automaticActivityDetection field', () => {
  assert.deepEqual(realtimeInput(turnTaking), {
    automaticActivityDetection: {
      startOfSpeechSensitivity: 'START_SENSITIVITY_LOW',
      endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH',
      prefixPaddingMs: 40,
      silenceDurationMs: 800,
    },
  });
  assert.deepEqual(realtimeInput({ startSensitivity: 'high', endSensitivity: 'low' }), {
    automaticActivityDetection: { startOfSpeechSensitivity: 'START_SENSITIVITY_HIGH', endOfSpeechSensitivity: 'END_SENSITIVITY_LOW' },
  });
  assert.deepEqual(realtimeInput({ silenceMs: 0 }), { automaticActivityDetection: { silenceDurationMs: 0 } });
});

test('unset means the service default: nothing is sent', () => {
  assert.equal(realtimeInput({}), undefined);
  assert.equal(realtimeInput({ startSensitivity: undefined, silenceMs: null, prefixPaddingMs: undefined }), undefined);
});

test('bad input is the default, never an exception', () => {
  for (const bad of ['medium', 'LOW', 'High', '', ' low', 'START_SENSITIVITY_LOW', 1, null, {}] as unknown[]) {
    const value = bad as string;
    assert.equal(realtimeInput({ startSensitivity: value, endSensitivity: value }), undefined, String(bad));
  }
  for (const bad of [NaN, -1, -0.4, Infinity, -Infinity, '500', null, undefined, {}, [300], true] as unknown[]) {
    const value = bad as number;
    assert.equal(realtimeInput({ silenceMs: value, prefixPaddingMs: value }), undefined, String(bad));
  }
  // The good ones still go out beside a bad one.
  assert.deepEqual(realtimeInput({ startSensitivity: 'loud', endSensitivity: 'low', silenceMs: NaN, prefixPaddingMs: 20 }), {
    automaticActivityDetection: { endOfSpeechSensitivity: 'END_SENSITIVITY_LOW', prefixPaddingMs: 20 },
  });
});

test('milliseconds are whole and clamped to MAX_ACTIVITY_MS (the fields are int32)', () => {
  assert.equal(MAX_ACTIVITY_MS, 10_000);
  assert.deepEqual(activityDetection({ silenceMs: 612.6, prefixPaddingMs: 0.2 }), { silenceDurationMs: 613, prefixPaddingMs: 0 });
  assert.deepEqual(activityDetection({ silenceMs: 10_001, prefixPaddingMs: 2 ** 40 }), {
    silenceDurationMs: MAX_ACTIVITY_MS,
    prefixPaddingMs: MAX_ACTIVITY_MS,
  });
});

test('push-to-talk turns automatic detection off and sends none of them', () => {
  assert.deepEqual(realtimeInput({ ...turnTaking, mode: 'push-to-talk' }), { automaticActivityDetection: { disabled: true } });
  // Detection turned off by the page's config: the same.
  const off = { realtimeInputConfig: { automaticActivityDetection: { disabled: true } } };
  assert.deepEqual(realtimeInput({ ...turnTaking, config: off }), { automaticActivityDetection: { disabled: true } });
});

test('config is merged last: it overrides a field, adds others, and keeps the rest', () => {
  const config = {
    realtimeInputConfig: {
      automaticActivityDetection: { silenceDurationMs: 1200, disabled: false },
      activityHandling: 'NO_INTERRUPTION',
    },
  } as LiveSessionOptions['config'];
  assert.deepEqual(realtimeInput({ ...turnTaking, config }), {
    automaticActivityDetection: {
      startOfSpeechSensitivity: 'START_SENSITIVITY_LOW',
      endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH',
      prefixPaddingMs: 40,
      silenceDurationMs: 1200,
      disabled: false,
    },
    activityHandling: 'NO_INTERRUPTION',
  });
});

test('3.1 ignores silenceDurationMs: it is left out, with one warning; every other model gets it', () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    const preview = { ...base, ...turnTaking, model: 'gemini-3.1-flash-live-preview' };
    assert.deepEqual((buildLiveConfig(preview) as Record<string, unknown>).realtimeInputConfig, {
      automaticActivityDetection: { startOfSpeechSensitivity: 'START_SENSITIVITY_LOW', endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH', prefixPaddingMs: 40 },
    });
    // From config too, and the whole realtimeInputConfig goes when nothing else is left in it.
    const fromConfig = { ...base, model: 'gemini-3.1-flash-live-preview', config: { realtimeInputConfig: { automaticActivityDetection: { silenceDurationMs: 900 } } } };
    assert.equal((buildLiveConfig(fromConfig) as Record<string, unknown>).realtimeInputConfig, undefined);
    const handling = { realtimeInputConfig: { activityHandling: 'NO_INTERRUPTION' } } as LiveSessionOptions['config'];
    assert.deepEqual(realtimeInput({ model: 'gemini-3.1-flash-live-preview', silenceMs: 900, config: handling }), {
      activityHandling: 'NO_INTERRUPTION',
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^<gemini-live>: gemini-3\.1-flash-live-preview .*silenceDurationMs is not sent/);
  } finally {
    console.warn = warn;
  }
  const others = [...MODEL_PROFILES.map((profile) => profile.id), 'publishers/google/models/gemini-live-2.5-flash-native-audio', 'gemini-9-live'];
  for (const model of others.filter((id) => id !== 'gemini-3.1-flash-live-preview')) {
    const detection = (realtimeInput({ ...turnTaking, model }) as { automaticActivityDetection: Record<string, unknown> }).automaticActivityDetection;
    assert.equal(detection.silenceDurationMs, 800, model);
    assert.equal(detection.startOfSpeechSensitivity, 'START_SENSITIVITY_LOW', model);
  }
});

test('the element settings reach the session options as the page set them', () => {
  const settings = elementSettings(turnTaking);
  const options = sessionOptions(settings, { path: '/', element: '0' });
  assert.deepEqual(
    [options.startSensitivity, options.endSensitivity, options.silenceMs, options.prefixPaddingMs],
    ['low', 'high', 800, 40],
  );
  assert.deepEqual(realtimeInput(options), realtimeInput(turnTaking));
});
