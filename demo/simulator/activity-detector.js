// @ts-check
import { dbToLinear } from './pcm.js';

/**
 * @typedef {object} ActivityDetectorOptions
 * @property {number} [sampleRate] input rate in Hz (default 16000)
 * @property {number} [frameMs] analysis window (default 10 ms)
 * @property {number} [thresholdDb] RMS level in dBFS above which a window starts speech (default -36)
 * @property {number} [endThresholdDb] RMS level in dBFS above which a window keeps ongoing speech going (default:
 *   `thresholdDb`); a lower one lets quiet endings and murmurs hold a turn open
 * @property {number} [startMs] voiced time needed before speech start is committed (default 120 ms)
 * @property {number} [silenceMs] unvoiced time needed before speech end is committed (default 600 ms)
 * @property {number} [gapToleranceMs] short dips tolerated while speech start is pending (default 30 ms)
 */

/**
 * @typedef {{ type: 'start', sample: number } | { type: 'end', sample: number, speechSamples: number }} ActivityEvent
 * `sample` counts input samples since the detector was created; `speechSamples` spans the first to the last
 * voiced window of the utterance (trailing silence excluded).
 */

/** @type {readonly ActivityEvent[]} */
const NO_EVENTS = Object.freeze([]);

/**
 * Energy-based voice activity detection over streaming PCM16, timed by samples (not wall clock) so results
 * do not depend on how fast audio arrives.
 */
export class EnergyActivityDetector {
  /** @param {ActivityDetectorOptions} [options] */
  constructor(options = {}) {
    this.sampleRate = options.sampleRate ?? 16000;
    const frameMs = options.frameMs ?? 10;
    this.frameSamples = Math.max(1, Math.round((this.sampleRate * frameMs) / 1000));
    /** Voiced-window RMS thresholds in sample units: to start speech, and to keep it going. */
    this.threshold = 0;
    this.endThreshold = 0;
    this.startSamples = 0;
    this.silenceSamples = 0;
    this.gapSamples = 0;
    this.configure(options);
    this.position = 0;
    this.frameFill = 0;
    this.frameEnergy = 0;
    this.speaking = false;
    this.voicedRun = 0;
    this.gapRun = 0;
    this.silenceRun = 0;
    this.speechStart = 0;
    this.lastVoicedEnd = 0;
  }

  /**
   * Changes thresholds without losing the current state.
   * @param {ActivityDetectorOptions} options
   */
  configure(options) {
    const toSamples = (/** @type {number} */ ms) => Math.round((this.sampleRate * ms) / 1000);
    const thresholdDb = options.thresholdDb ?? -36;
    this.threshold = dbToLinear(thresholdDb) * 32768;
    this.endThreshold = dbToLinear(options.endThresholdDb ?? thresholdDb) * 32768;
    this.startSamples = toSamples(options.startMs ?? 120);
    this.silenceSamples = toSamples(options.silenceMs ?? 600);
    this.gapSamples = toSamples(options.gapToleranceMs ?? 30);
  }

  /**
   * Feeds samples; returns the speech start/end events they complete (usually none).
   * @param {Int16Array} samples
   * @returns {readonly ActivityEvent[]}
   */
  push(samples) {
    /** @type {ActivityEvent[] | undefined} */
    let events;
    const startEnergy = this.threshold * this.threshold * this.frameSamples;
    const endEnergy = this.endThreshold * this.endThreshold * this.frameSamples;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      this.frameEnergy += s * s;
      if (++this.frameFill < this.frameSamples) continue;
      this.position += this.frameSamples;
      const event = this.#frame(this.frameEnergy >= (this.speaking ? endEnergy : startEnergy));
      if (event) (events ??= []).push(event);
      this.frameFill = 0;
      this.frameEnergy = 0;
    }
    return events ?? NO_EVENTS;
  }

  /**
   * Ends ongoing speech now (the client signalled the end of its audio stream).
   * @returns {ActivityEvent | null}
   */
  flush() {
    this.frameFill = 0;
    this.frameEnergy = 0;
    this.voicedRun = 0;
    this.gapRun = 0;
    if (!this.speaking) return null;
    return this.#end();
  }

  /** @param {boolean} voiced */
  #frame(voiced) {
    const n = this.frameSamples;
    if (!this.speaking) {
      if (voiced) {
        if (this.voicedRun === 0) this.speechStart = this.position - n;
        this.voicedRun += n;
        this.gapRun = 0;
        this.lastVoicedEnd = this.position;
        if (this.voicedRun >= this.startSamples) {
          this.speaking = true;
          this.silenceRun = 0;
          return /** @type {ActivityEvent} */ ({ type: 'start', sample: this.position });
        }
      } else if (this.voicedRun > 0) {
        this.gapRun += n;
        if (this.gapRun > this.gapSamples) {
          this.voicedRun = 0;
          this.gapRun = 0;
        }
      }
      return null;
    }
    if (voiced) {
      this.silenceRun = 0;
      this.lastVoicedEnd = this.position;
      return null;
    }
    this.silenceRun += n;
    return this.silenceRun >= this.silenceSamples ? this.#end() : null;
  }

  #end() {
    this.speaking = false;
    this.voicedRun = 0;
    this.gapRun = 0;
    this.silenceRun = 0;
    return /** @type {ActivityEvent} */ ({
      type: 'end',
      sample: this.position,
      speechSamples: Math.max(0, this.lastVoicedEnd - this.speechStart),
    });
  }
}

/** How far a LOW sensitivity moves a threshold, in dB. */
const LOW_SENSITIVITY_DB = 6;

/** @param {unknown} value @returns {value is number} */
const isMs = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * @typedef {object} DetectorSettings
 * @property {number} thresholdDb level that starts speech
 * @property {number} endThresholdDb level that keeps speech going
 * @property {number} startMs voiced time before speech start is committed
 * @property {number} silenceMs unvoiced time before speech end is committed
 */

/**
 * Detector settings for a setup's `realtimeInputConfig.automaticActivityDetection`, on top of the simulator's
 * defaults. An unset sensitivity is HIGH, the Gemini API's default (the SDK's `StartSensitivity` /
 * `EndSensitivity`), so the defaults stand for it:
 * - `START_SENSITIVITY_LOW` detects the start of speech less often: the start threshold is 6 dB higher (a quieter
 *   sound that HIGH accepts is ignored) and twice the voiced time is needed.
 * - `END_SENSITIVITY_LOW` ends speech less often: a sound 6 dB below the start threshold still holds the turn
 *   open, and the default silence is half as long again.
 * - `prefixPaddingMs` is the voiced time needed before speech start is committed.
 * - `silenceDurationMs` is the silence that ends speech, unless the model ignores it (`ignoreSilenceDuration`);
 *   0 counts as unset, as an int32 zero does in protobuf.
 * The setup has been validated ({@link import('./realtime-input-config.js').checkRealtimeInputConfig}); anything
 * else is ignored here.
 * @param {Record<string, any> | undefined} config
 * @param {{ thresholdDb: number, startMs: number, silenceMs: number }} defaults
 * @param {{ ignoreSilenceDuration?: boolean }} [model]
 * @returns {DetectorSettings}
 */
export function detectorSettingsFor(config, defaults, model = {}) {
  let { thresholdDb, startMs, silenceMs } = defaults;
  let endThresholdDb = thresholdDb;
  if (config?.startOfSpeechSensitivity === 'START_SENSITIVITY_LOW') {
    thresholdDb += LOW_SENSITIVITY_DB;
    startMs *= 2;
  }
  if (config?.endOfSpeechSensitivity === 'END_SENSITIVITY_LOW') {
    endThresholdDb -= LOW_SENSITIVITY_DB;
    silenceMs *= 1.5;
  }
  if (isMs(config?.prefixPaddingMs)) startMs = config.prefixPaddingMs;
  if (isMs(config?.silenceDurationMs) && config.silenceDurationMs > 0 && !model.ignoreSilenceDuration) {
    silenceMs = config.silenceDurationMs;
  }
  return { thresholdDb, endThresholdDb, startMs: Math.round(startMs), silenceMs: Math.round(silenceMs) };
}
