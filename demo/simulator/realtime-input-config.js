// @ts-check
/**
 * The service's parsing of `setup.realtimeInputConfig`: a value of the wrong type, an enum name it does not know
 * or an unknown field closes the connection with 1007, as protobuf's JSON parser refuses the request. The
 * simulator is at least as strict as the service: it also refuses what protobuf JSON would coerce (numbers as
 * strings, enums as numbers) and negative durations.
 */
import { CloseCode, Reason, unknownFieldReason } from './wire.js';

/** @typedef {{ code: number, reason: string }} Refusal */

const INPUT_PATH = 'setup.realtime_input_config';
const DETECTION_PATH = `${INPUT_PATH}.automatic_activity_detection`;
const TYPES = 'type.googleapis.com/google.ai.generativelanguage.v1beta';
const INT32_MAX = 2 ** 31 - 1;

/** Enum fields: wire name, the service's field path and type, and the names it knows. */
const ENUMS = Object.freeze({
  input: {
    activityHandling: {
      path: `${INPUT_PATH}.activity_handling`,
      type: `${TYPES}.ActivityHandling`,
      values: ['ACTIVITY_HANDLING_UNSPECIFIED', 'START_OF_ACTIVITY_INTERRUPTS', 'NO_INTERRUPTION'],
    },
    turnCoverage: {
      path: `${INPUT_PATH}.turn_coverage`,
      type: `${TYPES}.TurnCoverage`,
      values: [
        'TURN_COVERAGE_UNSPECIFIED',
        'TURN_INCLUDES_ONLY_ACTIVITY',
        'TURN_INCLUDES_ALL_INPUT',
        'TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO',
      ],
    },
  },
  detection: {
    startOfSpeechSensitivity: {
      path: `${DETECTION_PATH}.start_of_speech_sensitivity`,
      type: `${TYPES}.StartSensitivity`,
      values: ['START_SENSITIVITY_UNSPECIFIED', 'START_SENSITIVITY_HIGH', 'START_SENSITIVITY_LOW'],
    },
    endOfSpeechSensitivity: {
      path: `${DETECTION_PATH}.end_of_speech_sensitivity`,
      type: `${TYPES}.EndSensitivity`,
      values: ['END_SENSITIVITY_UNSPECIFIED', 'END_SENSITIVITY_HIGH', 'END_SENSITIVITY_LOW'],
    },
  },
});

/** Millisecond fields of `automaticActivityDetection` (int32 on the wire). */
const DURATIONS = Object.freeze({
  prefixPaddingMs: `${DETECTION_PATH}.prefix_padding_ms`,
  silenceDurationMs: `${DETECTION_PATH}.silence_duration_ms`,
});

const DETECTION_FIELDS = new Set(['disabled', ...Object.keys(ENUMS.detection), ...Object.keys(DURATIONS)]);

/** @param {unknown} value @returns {value is Record<string, any>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * protobuf's wording for a value it cannot read (the close frame keeps its first 123 bytes).
 * @param {string} path
 * @param {string} type
 * @param {unknown} value
 * @returns {Refusal}
 */
function invalidValue(path, type, value) {
  return { code: CloseCode.INVALID, reason: `Invalid value at '${path}' (${type}), ${JSON.stringify(value)}` };
}

/**
 * @param {Record<string, any>} message
 * @param {Record<string, { path: string, type: string, values: string[] }>} enums
 * @returns {Refusal | null}
 */
function checkEnums(message, enums) {
  for (const [field, { path, type, values }] of Object.entries(enums)) {
    const value = message[field];
    if (value !== undefined && value !== null && !values.includes(value)) return invalidValue(path, type, value);
  }
  return null;
}

/**
 * The refusal for a setup whose `realtimeInputConfig` the service cannot accept, or null. `null` values count as
 * absent, as in protobuf JSON.
 * @param {Record<string, any>} setup wire-format setup
 * @returns {Refusal | null}
 */
export function checkRealtimeInputConfig(setup) {
  const input = setup.realtimeInputConfig;
  if (input === undefined || input === null) return null;
  if (!isObject(input)) return invalidValue(INPUT_PATH, `${TYPES}.RealtimeInputConfig`, input);
  const enumRefusal = checkEnums(input, ENUMS.input);
  if (enumRefusal) return enumRefusal;

  const detection = input.automaticActivityDetection;
  if (detection === undefined || detection === null) return null;
  if (!isObject(detection)) return invalidValue(DETECTION_PATH, `${TYPES}.AutomaticActivityDetection`, detection);
  for (const key of Object.keys(detection)) {
    if (!DETECTION_FIELDS.has(key)) return { code: CloseCode.INVALID, reason: unknownFieldReason(key, DETECTION_PATH) };
  }
  if (detection.disabled !== undefined && detection.disabled !== null && typeof detection.disabled !== 'boolean') {
    return invalidValue(`${DETECTION_PATH}.disabled`, 'TYPE_BOOL', detection.disabled);
  }
  const detectionRefusal = checkEnums(detection, ENUMS.detection);
  if (detectionRefusal) return detectionRefusal;
  for (const [field, path] of Object.entries(DURATIONS)) {
    const value = detection[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value > INT32_MAX || value < -INT32_MAX - 1) {
      return invalidValue(path, 'TYPE_INT32', value);
    }
    // An int32 the parser takes, but no duration: assumed refused as an invalid argument.
    if (value < 0) return { code: CloseCode.INVALID, reason: Reason.INVALID_ARGUMENT };
  }
  return null;
}
