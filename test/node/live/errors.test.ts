import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyClose, setupCloseError } from '../../../src/live/errors.js';

const failure = (code: number, reason: string) => {
  const verdict = classifyClose(code, reason);
  assert.equal(verdict.action, 'fail', `${code} ${reason}`);
  return verdict.action === 'fail' ? verdict.error.detail : undefined;
};

describe('classifyClose', () => {
  test('1007: credentials versus any other invalid argument', () => {
    assert.equal(failure(1007, 'API key not valid. Please pass a valid API key.')?.code, 'auth-failed');
    assert.equal(failure(1007, 'API key expired. Please renew the API key.')?.code, 'auth-failed');
    const invalid = failure(1007, 'Invalid JSON payload received. Unknown name "enableAffectiveDialog" at \'setup\': Cannot find field.');
    assert.equal(invalid?.code, 'invalid-request');
    assert.match(invalid?.message ?? '', /Unknown name "enableAffectiveDialog"/);
    assert.equal(failure(1007, 'Request contains an invalid argument.')?.code, 'invalid-request');
  });

  test('1008: model not found versus other policy closes', () => {
    const notFound = 'models/gemini-2.0-flash-live-001 is not found for API version v1beta, or is not supported for bidiGenerateContent.';
    assert.equal(failure(1008, notFound)?.code, 'model-not-found');
    assert.equal(failure(1008, 'Operation is not implemented, or supported, or enabled.')?.code, 'server-closed');
    assert.equal(failure(1008, 'Policy violation')?.code, 'server-closed');
  });

  test('1011: quota is reported and not retried; other internal errors resume', () => {
    const quota = failure(1011, 'You exceeded your current quota, please check your plan and billing details.');
    assert.deepEqual([quota?.code, quota?.recoverable], ['quota-exceeded', false]);
    assert.equal(failure(1011, 'RESOURCE_EXHAUSTED')?.code, 'quota-exceeded');
    assert.deepEqual(classifyClose(1011, 'Internal error encountered.'), { action: 'resume' });
  });

  test('the end of a connection\'s life resumes without an error', () => {
    assert.deepEqual(classifyClose(1011, 'Deadline expired before operation could complete.'), { action: 'resume' });
    assert.deepEqual(classifyClose(1000, 'The operation was cancelled.'), { action: 'resume' });
    assert.deepEqual(classifyClose(1008, 'Policy violation', { afterGoAway: true }), { action: 'resume' });
    assert.deepEqual(classifyClose(1006, ''), { action: 'resume' });
  });

  test('before setupComplete, a close that would resume is a recoverable connection failure', () => {
    assert.deepEqual(setupCloseError(1011, 'Internal error encountered.').detail, {
      code: 'connection-failed',
      message: 'The connection closed during setup (code 1011): Internal error encountered.',
      recoverable: true,
    });
    assert.equal(setupCloseError(1011, 'RESOURCE_EXHAUSTED: concurrent sessions').detail.code, 'quota-exceeded');
  });
});
