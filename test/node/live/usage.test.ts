import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeUsage } from '../../../src/live/usage.js';

test('Vertex usage gets the Gemini API names', () => {
  const vertex = {
    promptTokenCount: 10,
    candidatesTokenCount: 4,
    totalTokenCount: 14,
    promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 10 }],
    candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: 4 }],
  };
  assert.deepEqual(normalizeUsage(vertex), {
    promptTokenCount: 10,
    responseTokenCount: 4,
    totalTokenCount: 14,
    promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 10 }],
    responseTokensDetails: [{ modality: 'AUDIO', tokenCount: 4 }],
  });
  const gemini = { promptTokenCount: 1, responseTokenCount: 2, totalTokenCount: 3 };
  assert.deepEqual(normalizeUsage(gemini), gemini);
  assert.equal(normalizeUsage({ responseTokenCount: 2, candidatesTokenCount: 9 }).responseTokenCount, 2);
});
