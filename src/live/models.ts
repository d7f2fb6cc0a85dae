import { bareModelId } from '../shared/default-model.js';

/**
 * What each Live model accepts, in one place. The session asks its model's profile before it sends a setup
 * field, so it never sends what the named model refuses; an id not listed here gets what the attributes ask for.
 */

/** How a model runs function calls. */
export type ToolRunning =
  /** Non-blocking unless a declaration says `BLOCKING`; responses carry `scheduling`. */
  | 'non-blocking-by-default'
  /** Only non-blocking: `behavior` cannot be chosen. */
  | 'non-blocking-only'
  /** Only blocking (synchronous): `behavior` is not sent. */
  | 'blocking-only';

/** What a model does with a setup field: takes it, ignores it, or refuses the setup (close 1007). */
export type FieldSupport = 'accepted' | 'ignored' | 'refused';

export interface ModelProfile {
  /** Bare model id, without `models/` or a Vertex resource prefix. */
  readonly id: string;
  readonly service: 'gemini' | 'vertex';
  /** True when the model can answer with `TEXT`; otherwise it is asked for audio plus output transcription. */
  readonly answersInText: boolean;
  /** `generationConfig.thinkingConfig`: which knob the model takes, or none. */
  readonly thinking: 'thinking-level' | 'thinking-budget' | 'none';
  /** `proactivity`: always on (sending `proactiveAudio: false` is refused), optional, or not there at all. */
  readonly proactivity: 'always-on' | 'optional' | 'unsupported';
  readonly affectiveDialog: FieldSupport;
  /** `speechConfig.languageCode`: native-audio models choose the language themselves. */
  readonly languageCode: FieldSupport;
  /** `realtimeInputConfig.automaticActivityDetection.silenceDurationMs`: 3.1 ends turns after its own pause. */
  readonly silenceDuration: FieldSupport;
  /** `additionalProperties` inside function `parameters`. */
  readonly additionalProperties: FieldSupport;
  readonly tools: ToolRunning;
  /** Whether `sendContextUpdate` (system instruction, tools) works mid-session. */
  readonly contextUpdates: boolean;
}

const NATIVE_AUDIO_25: Omit<ModelProfile, 'id'> = {
  service: 'gemini',
  answersInText: false,
  thinking: 'thinking-budget',
  proactivity: 'optional',
  affectiveDialog: 'accepted',
  languageCode: 'ignored',
  silenceDuration: 'accepted',
  additionalProperties: 'ignored',
  tools: 'blocking-only',
  contextUpdates: false,
};

const LIVE_38: Omit<ModelProfile, 'id'> = {
  service: 'gemini',
  answersInText: false,
  thinking: 'none',
  proactivity: 'always-on',
  affectiveDialog: 'refused',
  languageCode: 'ignored',
  silenceDuration: 'accepted',
  additionalProperties: 'refused',
  tools: 'non-blocking-by-default',
  contextUpdates: true,
};

/** Every model id the Live API serves today (Gemini Developer API and Vertex AI), with its profile. */
export const MODEL_PROFILES: readonly ModelProfile[] = Object.freeze([
  { id: 'gemini-3.8-live', ...LIVE_38 },
  { id: 'gemini-3.8-live-extended-thinking', ...LIVE_38, thinking: 'thinking-level', tools: 'non-blocking-only' },
  {
    id: 'gemini-3.1-flash-live-preview',
    ...LIVE_38,
    thinking: 'thinking-level',
    proactivity: 'unsupported',
    // It closes a turn after about a second of pause whatever it is asked (python-genai#2580).
    silenceDuration: 'ignored',
    tools: 'blocking-only',
    contextUpdates: false,
  },
  { id: 'gemini-2.5-flash-native-audio-latest', ...NATIVE_AUDIO_25 },
  { id: 'gemini-2.5-flash-native-audio-preview-12-2025', ...NATIVE_AUDIO_25 },
  { id: 'gemini-2.5-flash-native-audio-preview-09-2025', ...NATIVE_AUDIO_25 },
  { id: 'gemini-live-2.5-flash-native-audio', ...NATIVE_AUDIO_25, service: 'vertex' },
].map((profile) => Object.freeze(profile as ModelProfile)));

/** The same models on Vertex AI, where `NON_BLOCKING` tools do not exist. */
const VERTEX_PROFILES: ReadonlyMap<string, ModelProfile> = new Map(
  MODEL_PROFILES.filter((profile) => profile.id === 'gemini-3.8-live' || profile.service === 'vertex').map((profile) => [
    profile.id,
    Object.freeze({ ...profile, service: 'vertex' as const, tools: 'blocking-only' as const, contextUpdates: false }),
  ]),
);

/** A Vertex resource name (`publishers/google/models/x`, `projects/…/models/x`) rather than a Gemini API id. */
function isVertexName(model: string): boolean {
  return /^(projects\/[^/]+\/locations\/[^/]+\/)?publishers\/[^/]+\/models\//.test(model.trim());
}

/**
 * The profile of `model`, or undefined for an id this package does not know (it then gets what the attributes
 * ask for). A Vertex resource name, or Vertex's own id, selects the Vertex profile.
 */
export function modelProfile(model: string | undefined): ModelProfile | undefined {
  if (!model) return undefined;
  const id = bareModelId(model);
  if (isVertexName(model)) return VERTEX_PROFILES.get(id);
  return MODEL_PROFILES.find((profile) => profile.id === id);
}

/** True when calls of a tool declared with `behavior` run non-blocking on this model. */
export function runsNonBlocking(profile: ModelProfile | undefined, behavior: 'blocking' | 'non-blocking' | undefined): boolean {
  switch (profile?.tools) {
    case 'non-blocking-only':
      return true;
    case 'non-blocking-by-default':
      return behavior !== 'blocking';
    case 'blocking-only':
      return false;
    default:
      return behavior === 'non-blocking';
  }
}

/** True when the model lets a declaration choose `behavior` (so it is sent). */
export function behaviorIsChosen(profile: ModelProfile | undefined): boolean {
  return profile === undefined || profile.tools === 'non-blocking-by-default';
}
