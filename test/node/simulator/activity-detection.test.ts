// The simulator's automatic activity detection honours the setup's turn-taking settings, and refuses values the
// service cannot read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LiveConnectConfig } from '@google/genai';
import { EnergyActivityDetector, detectorSettingsFor } from '../../../demo/simulator/activity-detector.js';
import { LIVE_MODEL, MODEL, concat, rawSocket, sendAudio, silence, speech, useTestSimulator, type Sim } from './helpers.js';

/** A steady 440 Hz tone whose RMS level is `dbfs`: a sound exactly as loud as a test needs. */
function tone(ms: number, dbfs: number): Int16Array {
  const samples = new Int16Array(Math.round((16000 * ms) / 1000));
  const amplitude = Math.pow(10, dbfs / 20) * Math.SQRT2 * 32768;
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 16000));
  return samples;
}

type Detection = NonNullable<LiveConnectConfig['realtimeInputConfig']>['automaticActivityDetection'];

describe('activity detection settings', () => {
  const defaults = { thresholdDb: -36, startMs: 120, silenceMs: 600 };

  test('unset sensitivities are HIGH (the Gemini API default); LOW moves each threshold by 6 dB', () => {
    const high = detectorSettingsFor(
      { startOfSpeechSensitivity: 'START_SENSITIVITY_HIGH', endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH' },
      defaults,
    );
    assert.deepEqual(high, detectorSettingsFor({}, defaults));
    assert.deepEqual(high, { thresholdDb: -36, endThresholdDb: -36, startMs: 120, silenceMs: 600 });
    assert.deepEqual(detectorSettingsFor({ startOfSpeechSensitivity: 'START_SENSITIVITY_LOW' }, defaults), {
      thresholdDb: -30,
      endThresholdDb: -36,
      startMs: 240,
      silenceMs: 600,
    });
    assert.deepEqual(detectorSettingsFor({ endOfSpeechSensitivity: 'END_SENSITIVITY_LOW' }, defaults), {
      thresholdDb: -36,
      endThresholdDb: -42,
      startMs: 120,
      silenceMs: 900,
    });
  });

  test('prefixPaddingMs and silenceDurationMs set the timings, sensitivities or not; a model may ignore the silence', () => {
    const both = { startOfSpeechSensitivity: 'START_SENSITIVITY_LOW', endOfSpeechSensitivity: 'END_SENSITIVITY_LOW' };
    const timed = detectorSettingsFor({ ...both, prefixPaddingMs: 0, silenceDurationMs: 1500 }, defaults);
    assert.deepEqual([timed.startMs, timed.silenceMs], [0, 1500]);
    assert.equal(detectorSettingsFor({ silenceDurationMs: 1500 }, defaults, { ignoreSilenceDuration: true }).silenceMs, 600);
    // Zero silence is an unset int32 (protobuf); what the validation refuses never gets here, and is ignored if it did.
    assert.equal(detectorSettingsFor({ silenceDurationMs: 0 }, defaults).silenceMs, 600);
    assert.equal(detectorSettingsFor({ silenceDurationMs: -5, prefixPaddingMs: '50' }, defaults).silenceMs, 600);
    assert.equal(detectorSettingsFor({ silenceDurationMs: -5, prefixPaddingMs: '50' }, defaults).startMs, 120);
  });

  test('a lower end threshold lets a quiet ending hold the turn open', () => {
    const input = concat(speech(1000), tone(1500, -39), silence(1000));
    const [, eager] = new EnergyActivityDetector({ thresholdDb: -36, silenceMs: 600 }).push(input);
    const [, patient] = new EnergyActivityDetector({ thresholdDb: -36, endThresholdDb: -42, silenceMs: 600 }).push(input);
    assert.ok(eager?.type === 'end' && patient?.type === 'end');
    assert.ok(Math.abs(eager.speechSamples / 16000 - 1.0) < 0.05, `eager speech ${eager.speechSamples / 16000}`);
    assert.ok(Math.abs(patient.speechSamples / 16000 - 2.5) < 0.05, `patient speech ${patient.speechSamples / 16000}`);
  });
});

describe('the simulator honours automaticActivityDetection', () => {
  const simulator = useTestSimulator();

  /** Connects with `detection`, sends `input`, and returns the activity the simulator saw once it has it all. */
  async function activityFor(detection: Detection, input: Int16Array, model = LIVE_MODEL) {
    const client = await simulator.open({ model, config: { realtimeInputConfig: { automaticActivityDetection: detection } } });
    return { client, activity: await heard(simulator.sim, input, client) };
  }

  async function heard(sim: Sim, input: Int16Array, client: { session: Parameters<typeof sendAudio>[0] }) {
    const before = sim.control.latest().audio.seconds;
    sendAudio(client.session, input);
    const total = before + input.length / 16000;
    await sim.control.waitFor(() => sim.control.latest().audio.seconds >= total - 1e-6, { message: 'all audio' });
    return sim.control.latest().activity.filter((a) => a.type === 'speechStart' || a.type === 'speechEnd');
  }

  test('a longer silenceDurationMs ends the turn later', async () => {
    const input = concat(speech(1000), silence(1000));
    const short = await activityFor({ silenceDurationMs: 500 }, input);
    assert.deepEqual(short.activity.map((a) => a.type), ['speechStart', 'speechEnd']);

    const long = await activityFor({ silenceDurationMs: 1500 }, input);
    assert.deepEqual(long.activity.map((a) => a.type), ['speechStart'], 'still speaking after 1 s of silence');
    const later = await heard(simulator.sim, silence(600), long.client);
    assert.deepEqual(later.map((a) => a.type), ['speechStart', 'speechEnd']);
  });

  test('low start sensitivity ignores a quieter sound that high (and the default) accepts', async () => {
    const input = concat(tone(800, -33), silence(1000));
    for (const detection of [{ startOfSpeechSensitivity: 'START_SENSITIVITY_HIGH' }, {}] as Detection[]) {
      const { activity } = await activityFor(detection, input);
      assert.deepEqual(activity.map((a) => a.type), ['speechStart', 'speechEnd'], JSON.stringify(detection));
    }
    const low = await activityFor({ startOfSpeechSensitivity: 'START_SENSITIVITY_LOW' } as Detection, input);
    assert.deepEqual(low.activity, []);
    // A loud voice still gets through.
    const loud = await heard(simulator.sim, concat(speech(800), silence(1000)), low.client);
    assert.deepEqual(loud.map((a) => a.type), ['speechStart', 'speechEnd']);
  });

  test('low end sensitivity keeps the turn through a quiet ending that high cuts off', async () => {
    const input = concat(speech(1000), tone(1500, -39), silence(1200));
    const high = await activityFor({ endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH' } as Detection, input);
    const low = await activityFor({ endOfSpeechSensitivity: 'END_SENSITIVITY_LOW' } as Detection, input);
    const seconds = (activity: typeof high.activity) => activity.find((a) => a.type === 'speechEnd')?.seconds ?? NaN;
    assert.ok(Math.abs(seconds(high.activity) - 1.0) < 0.1, `high: ${seconds(high.activity)} s of speech`);
    assert.ok(Math.abs(seconds(low.activity) - 2.5) < 0.1, `low: ${seconds(low.activity)} s of speech`);
  });

  test('prefixPaddingMs is the speech needed before a start is committed', async () => {
    const input = concat(speech(200), silence(1000));
    const strict = await activityFor({ prefixPaddingMs: 300 }, input);
    assert.deepEqual(strict.activity, []);
    const eager = await activityFor({ prefixPaddingMs: 100 }, input);
    assert.deepEqual(eager.activity.map((a) => a.type), ['speechStart', 'speechEnd']);
  });

  test('3.1 ignores silenceDurationMs (with a note); 3.8 and 2.5 take it', async () => {
    const input = concat(speech(1000), silence(900));
    const preview = await activityFor({ silenceDurationMs: 2000 }, input, 'gemini-3.1-flash-live-preview');
    assert.deepEqual(preview.activity.map((a) => a.type), ['speechStart', 'speechEnd']);
    assert.ok(simulator.sim.control.latest().notes.some((note) => /silenceDurationMs ignored/.test(note)));
    for (const model of [LIVE_MODEL, MODEL]) {
      const { activity } = await activityFor({ silenceDurationMs: 2000 }, input, model);
      assert.deepEqual(activity.map((a) => a.type), ['speechStart'], model);
      assert.ok(!simulator.sim.control.latest().notes.some((note) => /silenceDurationMs/.test(note)), model);
    }
  });
});

describe('the simulator refuses what the service cannot read', () => {
  const simulator = useTestSimulator();
  const AT = "Invalid value at 'setup.realtime_input_config.automatic_activity_detection.";

  /** Sends a raw setup (the SDK's types would not let most of these through) and returns the close. */
  async function closeFor(realtimeInputConfig: unknown) {
    const socket = rawSocket(simulator.sim);
    await socket.opened;
    socket.ws.send(JSON.stringify({ setup: { model: `models/${LIVE_MODEL}`, realtimeInputConfig } }));
    const closed = await Promise.race([
      socket.closed,
      simulator.sim.control.waitFor(() => socket.frames.length > 0).then(() => null),
    ]);
    socket.ws.close();
    return closed;
  }

  test('valid settings, UNSPECIFIED and nulls are accepted', async () => {
    for (const detection of [
      { startOfSpeechSensitivity: 'START_SENSITIVITY_LOW', endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH', prefixPaddingMs: 0, silenceDurationMs: 800 },
      { startOfSpeechSensitivity: 'START_SENSITIVITY_UNSPECIFIED', endOfSpeechSensitivity: 'END_SENSITIVITY_UNSPECIFIED' },
      { disabled: false, silenceDurationMs: null },
    ]) {
      assert.equal(await closeFor({ automaticActivityDetection: detection }), null, JSON.stringify(detection));
    }
  });

  test('an unknown sensitivity, a duration that is not an int32, a wrong type: 1007 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ startOfSpeechSensitivity: 'START_SENSITIVITY_MEDIUM' }, `${AT}start_of_speech_sensitivity' (`],
      [{ endOfSpeechSensitivity: 'low' }, `${AT}end_of_speech_sensitivity' (`],
      [{ endOfSpeechSensitivity: 2 }, `${AT}end_of_speech_sensitivity' (`],
      [{ startOfSpeechSensitivity: 'END_SENSITIVITY_LOW' }, `${AT}start_of_speech_sensitivity' (`],
      [{ silenceDurationMs: '500' }, `${AT}silence_duration_ms' (TYPE_INT32), "500"`],
      [{ silenceDurationMs: 500.5 }, `${AT}silence_duration_ms' (TYPE_INT32), 500.5`],
      [{ prefixPaddingMs: 2 ** 31 }, `${AT}prefix_padding_ms' (TYPE_INT32), 2147483648`],
      [{ prefixPaddingMs: [20] }, `${AT}prefix_padding_ms' (TYPE_INT32), [20]`],
      [{ disabled: 'yes' }, `${AT}disabled' (TYPE_BOOL), "yes"`],
    ];
    for (const [detection, reason] of cases) {
      const close = await closeFor({ automaticActivityDetection: detection });
      assert.equal(close?.code, 1007, JSON.stringify(detection));
      assert.ok(close.reason.startsWith(reason.slice(0, 123)), `${JSON.stringify(detection)}: ${close.reason}`);
    }
    // The close frame keeps 123 bytes; the record keeps the whole reason.
    assert.ok(simulator.sim.control.latest().notes.some((note) => note.includes('(TYPE_BOOL), "yes"')));
  });

  test('a negative duration, an unknown field, a detection that is not an object, an unknown activityHandling', async () => {
    assert.deepEqual(await closeFor({ automaticActivityDetection: { silenceDurationMs: -1 } }), {
      code: 1007,
      reason: 'Request contains an invalid argument.',
    });
    const unknown = await closeFor({ automaticActivityDetection: { silenceMs: 500 } });
    assert.equal(unknown?.code, 1007);
    // Cut to the 123 bytes a close frame holds.
    assert.ok(unknown.reason.startsWith('Invalid JSON payload received. Unknown name "silenceMs" at \'setup.realtime_input_config.automatic'));
    const notObject = await closeFor({ automaticActivityDetection: true });
    assert.equal(notObject?.code, 1007);
    assert.ok(notObject.reason.startsWith("Invalid value at 'setup.realtime_input_config.automatic_activity_detection' ("));
    const handling = await closeFor({ activityHandling: 'INTERRUPT' });
    assert.equal(handling?.code, 1007);
    assert.ok(handling.reason.startsWith("Invalid value at 'setup.realtime_input_config.activity_handling' ("));
  });
});
