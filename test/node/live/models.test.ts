import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_MODEL } from '../../../src/shared/default-model.js';
import { DEFAULT_LIVE_MODEL } from '../../../src/server/models.js';
import { MODEL_PROFILES, modelProfile, runsNonBlocking } from '../../../src/live/models.js';

describe('model profiles', () => {
  test('the default is gemini-3.8-live, for the element and the token server alike', () => {
    assert.equal(DEFAULT_MODEL, 'gemini-3.8-live');
    assert.equal(DEFAULT_LIVE_MODEL, DEFAULT_MODEL);
    assert.equal(modelProfile(DEFAULT_MODEL)?.id, 'gemini-3.8-live');
  });

  test('every current model answers only in audio', () => {
    assert.equal(MODEL_PROFILES.length, 7);
    for (const profile of MODEL_PROFILES) assert.equal(profile.answersInText, false, profile.id);
  });

  test('finds a profile by bare id, models/ name or Vertex resource name', () => {
    assert.equal(modelProfile('models/gemini-3.1-flash-live-preview')?.id, 'gemini-3.1-flash-live-preview');
    const vertex = modelProfile('projects/p/locations/us-central1/publishers/google/models/gemini-3.8-live');
    assert.equal(vertex?.service, 'vertex');
    assert.equal(vertex?.tools, 'blocking-only');
    assert.equal(modelProfile('gemini-live-2.5-flash-native-audio')?.service, 'vertex');
    assert.equal(modelProfile('gemini-3.8-live')?.service, 'gemini');
    assert.equal(modelProfile('gemini-live-2.5-flash-preview'), undefined);
    assert.equal(modelProfile(''), undefined);
  });

  test('how tool calls run', () => {
    const live38 = modelProfile('gemini-3.8-live');
    assert.equal(runsNonBlocking(live38, undefined), true);
    assert.equal(runsNonBlocking(live38, 'blocking'), false);
    assert.equal(runsNonBlocking(modelProfile('gemini-3.8-live-extended-thinking'), 'blocking'), true);
    assert.equal(runsNonBlocking(modelProfile('gemini-3.1-flash-live-preview'), 'non-blocking'), false);
    assert.equal(runsNonBlocking(modelProfile('gemini-2.5-flash-native-audio-latest'), 'non-blocking'), false);
    assert.equal(runsNonBlocking(undefined, 'non-blocking'), true);
    assert.equal(runsNonBlocking(undefined, undefined), false);
  });
});
