// @ts-check
/**
 * What each Live model the simulator serves accepts and how it behaves, mirroring the service of late 2026
 * (sources in demo/README.md, "Models"). `checkSetup` is the service's setup validation: the first field a model
 * refuses closes the connection with the code and reason the service uses.
 */
import { checkRealtimeInputConfig } from './realtime-input-config.js';
import { CloseCode, Reason, unknownFieldReason } from './wire.js';

/**
 * @typedef {object} SimModelProfile
 * @property {boolean} answersInText TEXT response modality accepted
 * @property {{ code: number, reason: string } | null} textRefusal how a TEXT request is refused
 * @property {'always-on' | 'optional' | 'unsupported'} proactivity
 * @property {boolean} affectiveDialog `generationConfig.enableAffectiveDialog` is a known field
 * @property {boolean} refusesAdditionalProperties `additionalProperties` in function `parameters` is refused
 * @property {'non-blocking-by-default' | 'non-blocking-only' | 'blocking-only'} tools how function calls run
 * @property {boolean} ignoresSilenceDuration `automaticActivityDetection.silenceDurationMs` is taken and ignored
 * @property {boolean} contextUpdates `contextUpdate` messages are accepted mid-session
 * @property {boolean} combinedContent one `serverContent` carries audio and output transcription together
 * @property {boolean} separateUsage usage metadata comes in a message of its own after `turnComplete`
 */

const TEXT_NOT_SUPPORTED = Object.freeze({
  code: CloseCode.INVALID,
  reason: 'Request contains an invalid argument. The requested response modalities (TEXT) is not supported by this model.',
});

/** @type {SimModelProfile} */
const NATIVE_AUDIO_25 = Object.freeze({
  answersInText: false,
  textRefusal: TEXT_NOT_SUPPORTED,
  proactivity: 'optional',
  affectiveDialog: true,
  refusesAdditionalProperties: false,
  tools: 'blocking-only',
  ignoresSilenceDuration: false,
  contextUpdates: false,
  combinedContent: false,
  separateUsage: false,
});

/** @type {SimModelProfile} */
const LIVE_38 = Object.freeze({
  answersInText: false,
  textRefusal: TEXT_NOT_SUPPORTED,
  proactivity: 'always-on',
  affectiveDialog: false,
  refusesAdditionalProperties: true,
  tools: 'non-blocking-by-default',
  ignoresSilenceDuration: false,
  contextUpdates: true,
  combinedContent: true,
  separateUsage: true,
});

/**
 * Not a Google model: the simulator's own text-answering model, so clients' TEXT path can still be exercised.
 * @type {SimModelProfile}
 */
const TEXT_TEST_MODEL = Object.freeze({
  answersInText: true,
  textRefusal: null,
  proactivity: 'optional',
  affectiveDialog: true,
  refusesAdditionalProperties: false,
  tools: 'blocking-only',
  ignoresSilenceDuration: false,
  contextUpdates: true,
  combinedContent: false,
  separateUsage: false,
});

/** The simulator's text-answering test model (no such model exists on the service). */
export const TEXT_TEST_MODEL_ID = 'simulator-text-live';

/** @type {Readonly<Record<string, SimModelProfile>>} */
export const MODEL_PROFILES = Object.freeze({
  'gemini-3.8-live': LIVE_38,
  'gemini-3.8-live-extended-thinking': Object.freeze({ ...LIVE_38, tools: /** @type {const} */ ('non-blocking-only') }),
  'gemini-3.1-flash-live-preview': Object.freeze({
    ...LIVE_38,
    textRefusal: { code: CloseCode.INTERNAL, reason: Reason.INTERNAL },
    proactivity: /** @type {const} */ ('unsupported'),
    tools: /** @type {const} */ ('blocking-only'),
    // It ends a turn after about a second of pause whatever it is asked (python-genai#2580).
    ignoresSilenceDuration: true,
    contextUpdates: false,
  }),
  'gemini-2.5-flash-native-audio-latest': NATIVE_AUDIO_25,
  'gemini-2.5-flash-native-audio-preview-12-2025': NATIVE_AUDIO_25,
  'gemini-2.5-flash-native-audio-preview-09-2025': NATIVE_AUDIO_25,
  [TEXT_TEST_MODEL_ID]: TEXT_TEST_MODEL,
});

/** A model the simulator is told to serve but has no profile for accepts everything, as before. */
const LENIENT = Object.freeze({ ...TEXT_TEST_MODEL, tools: /** @type {const} */ ('blocking-only') });

/** @param {string} model bare id @returns {SimModelProfile} */
export function profileFor(model) {
  return MODEL_PROFILES[model] ?? LENIENT;
}

/** @param {unknown} value @returns {value is Record<string, any>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The path of the first `additionalProperties` inside a declaration's `parameters`, in the service's
 * snake_case field path style, or null.
 * @param {unknown} schema
 * @param {string} path
 * @returns {string | null}
 */
function findAdditionalProperties(schema, path) {
  if (!isObject(schema)) return null;
  if ('additionalProperties' in schema) return path;
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      const found = findAdditionalProperties(property, `${path}.properties[${JSON.stringify(name)}].value`);
      if (found) return found;
    }
  }
  if (schema.items) return findAdditionalProperties(schema.items, `${path}.items`);
  if (Array.isArray(schema.anyOf)) {
    for (let i = 0; i < schema.anyOf.length; i++) {
      const found = findAdditionalProperties(schema.anyOf[i], `${path}.any_of[${i}]`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The service's validation of a setup for a model: a close to send, plus notes on fields it ignores.
 * @param {SimModelProfile} profile
 * @param {Record<string, any>} setup wire-format setup
 * @returns {{ refusal: { code: number, reason: string } | null, notes: string[] }}
 */
export function checkSetup(profile, setup) {
  /** @type {string[]} */
  const notes = [];
  // A value protobuf cannot read fails the request before any model looks at it.
  const unreadable = checkRealtimeInputConfig(setup);
  if (unreadable) return { refusal: unreadable, notes: [`refused: ${unreadable.reason}`] };
  const generation = isObject(setup.generationConfig) ? setup.generationConfig : {};
  const modalities = Array.isArray(generation.responseModalities) ? generation.responseModalities : [];
  if (modalities.includes('TEXT') && profile.textRefusal) return { refusal: profile.textRefusal, notes };
  if (!profile.affectiveDialog && 'enableAffectiveDialog' in generation) {
    return {
      refusal: { code: CloseCode.INVALID, reason: unknownFieldReason('enableAffectiveDialog', 'setup.generation_config') },
      notes,
    };
  }
  if (isObject(setup.proactivity)) {
    if (profile.proactivity === 'always-on' && setup.proactivity.proactiveAudio === false) {
      return { refusal: { code: CloseCode.INVALID, reason: Reason.PROACTIVE_AUDIO_ALWAYS_ON }, notes };
    }
    if (profile.proactivity === 'unsupported') notes.push('proactivity ignored: the model has no proactive audio');
  }
  const tools = Array.isArray(setup.tools) ? setup.tools : [];
  for (let t = 0; t < tools.length; t++) {
    const declarations = Array.isArray(tools[t]?.functionDeclarations) ? tools[t].functionDeclarations : [];
    for (let d = 0; d < declarations.length; d++) {
      const declaration = declarations[d];
      if (!isObject(declaration)) continue;
      const where = `setup.tools[${t}].function_declarations[${d}].parameters`;
      const found = profile.refusesAdditionalProperties ? findAdditionalProperties(declaration.parameters, where) : null;
      if (found) return { refusal: { code: CloseCode.INVALID, reason: unknownFieldReason('additionalProperties', found) }, notes };
      if (declaration.parametersJsonSchema !== undefined) {
        notes.push(`${declaration.name}: parametersJsonSchema is ignored by Live models; it will be called with {}`);
      }
      if (declaration.behavior === 'NON_BLOCKING' && profile.tools === 'blocking-only') {
        notes.push(`${declaration.name}: NON_BLOCKING ignored, the model runs function calls synchronously`);
      }
    }
  }
  if (setup.realtimeInputConfig?.automaticActivityDetection?.silenceDurationMs != null && profile.ignoresSilenceDuration) {
    notes.push('silenceDurationMs ignored: the model ends a turn after its own pause');
  }
  if (generation.speechConfig?.languageCode !== undefined && !profile.answersInText) {
    notes.push('speechConfig.languageCode ignored: native-audio models choose the language themselves');
  }
  return { refusal: null, notes };
}

/**
 * Whether calls of a declared function run non-blocking on a model.
 * @param {SimModelProfile} profile
 * @param {string | undefined} behavior the declaration's `behavior`
 */
export function runsNonBlocking(profile, behavior) {
  if (profile.tools === 'non-blocking-only') return true;
  if (profile.tools === 'blocking-only') return false;
  return behavior !== 'BLOCKING';
}
