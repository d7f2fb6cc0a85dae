// What the model table means for the setups the element sends: every model the service documents is known, and
// for every profile, the setup built from the attributes never carries what that profile says the model refuses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildLiveConfig } from '../../../src/live/config.js';
import { MODEL_PROFILES, modelProfile, runsNonBlocking, type ModelProfile } from '../../../src/live/models.js';
import type { LiveSessionOptions } from '../../../src/live/live-session-options.js';
import { toolDeclarations } from '../../../src/live/tool-schema.js';
import type { LiveTool } from '../../../src/live/types.js';
import { liveOptions } from '../../fixtures/live-options.js';
import { DEFAULT_LIVE_MODEL } from '../../../src/server/models.js';
import { bareModelId, DEFAULT_MODEL } from '../../../src/shared/default-model.js';

type Json = Record<string, unknown>;

// The models the team's guide to the service (shared/guide/live-api-2026.md, late 2026) lists as served.
const GEMINI_API_MODELS = [
  'gemini-3.8-live',
  'gemini-3.8-live-extended-thinking',
  'gemini-3.1-flash-live-preview',
  'gemini-2.5-flash-native-audio-preview-12-2025',
  'gemini-2.5-flash-native-audio-latest',
  'gemini-2.5-flash-native-audio-preview-09-2025',
];
const VERTEX_MODELS = ['gemini-live-2.5-flash-native-audio', 'gemini-3.8-live'];
// Shut down on 2025-12-09: the service refuses them, so no profile may claim to know what they accept.
const SHUT_DOWN = ['gemini-live-2.5-flash-preview', 'gemini-2.0-flash-live-001'];

const vertexName = (id: string) => `projects/p/locations/us-central1/publishers/google/models/${id}`;

/** Every profile the package can select: each Gemini API entry, and each model through a Vertex resource name. */
const ALL_PROFILES: { name: string; profile: ModelProfile }[] = [
  ...MODEL_PROFILES.map((profile) => ({ name: profile.id, profile })),
  ...VERTEX_MODELS.map((id) => ({ name: vertexName(id), profile: modelProfile(vertexName(id))! })),
];

function options(model: string, extra: Partial<LiveSessionOptions> = {}): LiveSessionOptions {
  return liveOptions({ model, ...extra });
}

const tool = (behavior?: LiveTool['behavior']): LiveTool => ({
  name: 'lookup',
  description: 'Looks something up',
  parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false },
  behavior,
  handler: () => 'found',
});

/** Everything a page can ask for, through the attributes and the `config` escape hatch together. */
const everything = (model: string, responseModality: 'audio' | 'text' = 'audio') =>
  options(model, {
    responseModality,
    language: 'de-DE',
    voice: 'Kore',
    tools: [tool('non-blocking')],
    config: {
      thinkingConfig: { thinkingBudget: 128, thinkingLevel: 'LOW' as never },
      proactivity: { proactiveAudio: false },
      enableAffectiveDialog: true,
    },
  });

/** Builds a setup with the console's one-time warnings kept out of the test output. */
function setup(settings: LiveSessionOptions): Json {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return buildLiveConfig(settings) as Json;
  } finally {
    console.warn = warn;
  }
}

describe('model profiles', () => {
  test('the element and the token server default to one model, which the table knows on the Gemini API', () => {
    assert.equal(DEFAULT_LIVE_MODEL, DEFAULT_MODEL);
    assert.equal(modelProfile(DEFAULT_MODEL)?.service, 'gemini');
    assert.ok(GEMINI_API_MODELS.includes(DEFAULT_MODEL), `${DEFAULT_MODEL} is not a model the service documents`);
  });

  test('every model the service documents resolves, by bare id, models/ name and (on Vertex) resource name', () => {
    for (const id of GEMINI_API_MODELS) {
      for (const name of [id, `models/${id}`, ` models/${id} `]) {
        assert.equal(modelProfile(name)?.id, id, name);
        assert.equal(modelProfile(name)?.service, 'gemini', name);
      }
    }
    for (const id of VERTEX_MODELS) {
      const profile = modelProfile(vertexName(id));
      assert.deepEqual([profile?.id, profile?.service], [id, 'vertex'], vertexName(id));
    }
    // Vertex's own id names the Vertex model even without a resource name.
    assert.equal(modelProfile('gemini-live-2.5-flash-native-audio')?.service, 'vertex');
  });

  test('the table lists exactly the documented models, each once, by bare id', () => {
    const ids = MODEL_PROFILES.map((profile) => profile.id);
    assert.equal(new Set(ids).size, ids.length, 'an id listed twice');
    for (const id of ids) assert.equal(bareModelId(id), id);
    assert.deepEqual([...ids].sort(), [...new Set([...GEMINI_API_MODELS, ...VERTEX_MODELS])].sort());
  });

  test('shut-down models, a Gemini-only model through Vertex, and nonsense are unknown: the attributes go as asked', () => {
    for (const name of [...SHUT_DOWN, vertexName('gemini-3.1-flash-live-preview'), 'gemini-9-live', '', '   ']) {
      assert.equal(modelProfile(name), undefined, name);
    }
    const asked = setup(everything('gemini-2.0-flash-live-001', 'text'));
    assert.deepEqual(asked.responseModalities, ['TEXT']);
    assert.deepEqual(asked.proactivity, { proactiveAudio: false });
    assert.equal(asked.enableAffectiveDialog, true);
    assert.equal((asked.speechConfig as Json).languageCode, 'de-DE');
  });

  test('no setup asks any known model for TEXT: text answers come as output transcription of audio', () => {
    for (const { name, profile } of ALL_PROFILES) {
      assert.equal(profile.answersInText, false, `${name}: the service documents every Live model as audio only`);
      for (const transcription of ['both', 'input', 'output', 'none'] as const) {
        const config = setup(options(name, { responseModality: 'text', transcription }));
        assert.deepEqual(config.responseModalities, ['AUDIO'], name);
        assert.deepEqual(config.outputAudioTranscription, {}, `${name}, transcription ${transcription}`);
      }
    }
  });

  test('no setup carries a field the profile says its model refuses or ignores; accepted ones go as asked', () => {
    for (const { name, profile } of ALL_PROFILES) {
      const config = setup(everything(name));
      const at = (field: string) => `${name}: ${field}`;
      const thinking = config.thinkingConfig as Json | undefined;
      if (profile.thinking === 'none') assert.equal(thinking, undefined, at('thinkingConfig'));
      else if (profile.thinking === 'thinking-level') assert.deepEqual(thinking, { thinkingLevel: 'LOW' }, at('thinkingConfig'));
      else assert.deepEqual(thinking, { thinkingBudget: 128 }, at('thinkingConfig'));

      if (profile.proactivity === 'optional') assert.deepEqual(config.proactivity, { proactiveAudio: false }, at('proactivity'));
      else assert.equal(config.proactivity, undefined, at('proactivity'));

      assert.equal(config.enableAffectiveDialog, profile.affectiveDialog === 'accepted' ? true : undefined, at('enableAffectiveDialog'));
      const speech = config.speechConfig as Json;
      assert.equal(speech.languageCode, profile.languageCode === 'accepted' ? 'de-DE' : undefined, at('languageCode'));
      assert.deepEqual(speech.voiceConfig, { prebuiltVoiceConfig: { voiceName: 'Kore' } }, at('the voice, which every model takes'));

      if (profile.additionalProperties !== 'accepted') {
        assert.doesNotMatch(JSON.stringify(config.tools), /additionalProperties/, at('additionalProperties'));
      }
    }
  });

  test('the guide’s refusals are in the table: 3.x refuses additionalProperties, 3.8 affective dialog and proactiveAudio: false', () => {
    for (const { name, profile } of ALL_PROFILES.filter(({ profile }) => profile.id.startsWith('gemini-3'))) {
      assert.equal(profile.additionalProperties, 'refused', name);
      assert.notEqual(profile.affectiveDialog, 'accepted', name);
      assert.notEqual(profile.proactivity, 'optional', name);
    }
  });

  test('how the session expects a call to run is how the declaration it sends makes the model run it', () => {
    // What the service does with a declaration: Vertex and 3.1 run every call blocking, 3.8 extended thinking every
    // call non-blocking, 3.8 non-blocking unless declared BLOCKING; a model this package does not know is
    // sent the behaviour as asked, and runs calls blocking unless declared NON_BLOCKING.
    const runs = (profile: ModelProfile | undefined, sent: string | undefined) => {
      if (profile?.tools === 'blocking-only') return false;
      if (profile?.tools === 'non-blocking-only') return true;
      if (profile?.tools === 'non-blocking-by-default') return sent !== 'BLOCKING';
      return sent === 'NON_BLOCKING';
    };
    const profiles = [...ALL_PROFILES, { name: 'gemini-9-live', profile: undefined }];
    for (const { name, profile } of profiles) {
      for (const behavior of [undefined, 'blocking', 'non-blocking'] as const) {
        const [declaration] = toolDeclarations([tool(behavior)], profile);
        const sent = declaration.behavior as string | undefined;
        assert.equal(runsNonBlocking(profile, behavior), runs(profile, sent), `${name}, behavior ${behavior}, sent ${sent}`);
        // A declaration chooses only where the model lets it: 3.1 and Vertex take no NON_BLOCKING, extended thinking no BLOCKING.
        if (profile && profile.tools !== 'non-blocking-by-default') assert.equal(sent, undefined, `${name}: behavior sent`);
        if (profile?.service === 'vertex') assert.equal(runsNonBlocking(profile, behavior), false, `${name}: Vertex takes no NON_BLOCKING tools`);
      }
    }
    // Where the model lets a declaration choose, the page's choice holds.
    const live38 = modelProfile('gemini-3.8-live');
    assert.equal(runsNonBlocking(live38, 'blocking'), false);
    assert.equal(runsNonBlocking(live38, undefined), true);
  });
});
