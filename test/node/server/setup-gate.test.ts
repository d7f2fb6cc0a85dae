// The setup gate on its own: what it parses, forwards unparsed and refuses, frame by frame.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import { MAX_SETUP_BYTES, SetupGate } from '../../../src/server/setup-gate.js';

const frame = (text: string) => Buffer.from(text, 'utf8');
const audio = frame(JSON.stringify({ realtimeInput: { audio: { data: 'AAAAAAAA', mimeType: 'audio/pcm;rate=16000' } } }));
const SECOND_SETUP = { kind: 'refuse', refusal: { code: 1008, reason: 'Only one setup is allowed per session' } };
const NOT_JSON = { kind: 'refuse', refusal: { code: 1007, reason: 'Messages must be JSON' } };

/** A gate that has let its session's setup through. */
function afterSetup(): SetupGate {
  const gate = new SetupGate(undefined, isUtf8);
  assert.equal(gate.inspect(frame('{"setup":{"model":"models/a"}}')).kind, 'setup');
  return gate;
}

describe('SetupGate', () => {
  it(`refuses a setup over ${MAX_SETUP_BYTES} bytes with 1009, before reading it`, () => {
    const padding = ' '.repeat(MAX_SETUP_BYTES);
    const decision = new SetupGate(undefined, isUtf8).inspect(frame(`{"setup":{"model":"models/a"}}${padding}`));
    assert.deepEqual(decision, { kind: 'refuse', refusal: { code: 1009, reason: 'The setup is too large' } });
    const fits = frame(`{"setup":{"model":"models/a"}}${padding.slice(0, MAX_SETUP_BYTES - 30)}`);
    assert.equal(new SetupGate(undefined, isUtf8).inspect(fits).kind, 'setup');
  });

  it('lets the first setup through with its model id', () => {
    const decision = new SetupGate(undefined, isUtf8).inspect(frame('{"setup":{"model":"models/live-1"}}'));
    assert.equal(decision.kind, 'setup');
    assert.equal(decision.kind === 'setup' && decision.modelId, 'live-1');
  });

  it('forwards audio and other messages after the setup', () => {
    const gate = afterSetup();
    assert.deepEqual(gate.inspect(audio), { kind: 'forward' });
    assert.deepEqual(gate.inspect(frame('{"realtimeInput":{"text":"a \\"quoted\\" word, \\u00e9"}}')), { kind: 'forward' });
    assert.deepEqual(gate.inspect(frame('{"clientContent":{"turns":[{"parts":[{"text":"my setup is fine"}]}]}}')), {
      kind: 'forward',
    });
  });

  it('refuses a second setup however its key is spelled or placed', () => {
    for (const text of [
      '{"setup":{}}',
      '{"\\u0073etup":{}}',
      '{"s\\u0065tu\\u0070":{"model":"models/b"}}',
      '{"\\u0053etup":{},"setup":{}}',
      '{"realtimeInput":{"audio":{"data":"AAAA"}},"setup":{}}',
      '{"realtimeInput":{"text":"x"},"toolResponse":{},"\\u0073etup":{}}',
      ' \n {"clientContent":{},\n"setup" : {"model":"models/b"}}',
    ]) {
      assert.deepEqual(afterSetup().inspect(frame(text)), SECOND_SETUP, text);
    }
  });

  it('refuses what only a laxer reader could take for a setup key', () => {
    for (const text of ['{"\\x73etup":{}}', "{'setup':{}}", '{setup:{}}', '{"s\\145tup":{}}']) {
      assert.deepEqual(afterSetup().inspect(frame(text)), NOT_JSON, text);
    }
  });

  it('refuses bytes that are not UTF-8, before and after the setup', () => {
    // An overlong encoding of "s": a lax decoder would read `"setup"`, the gate's decoder a replacement character.
    const overlong = Buffer.concat([frame('{"'), Buffer.from([0xc1, 0xb3]), frame('etup":{}}')]);
    assert.deepEqual(new SetupGate(undefined, isUtf8).inspect(overlong), {
      kind: 'refuse',
      refusal: { code: 1007, reason: 'The first message must be a setup' },
    });
    assert.deepEqual(afterSetup().inspect(overlong), NOT_JSON);
    assert.deepEqual(afterSetup().inspect(Buffer.from([0xff, 0xfe, 0x7b])), NOT_JSON);
  });

  it('refuses a setup in UTF-16 or UTF-32 without a byte order mark (ASCII padded with NULs)', () => {
    const text = '{"setup":{"model":"models/b"}}';
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    const utf32le = Buffer.concat([...text].map((c) => Buffer.from([c.charCodeAt(0), 0, 0, 0])));
    for (const bytes of [Buffer.from(text, 'utf16le'), utf16be, utf32le]) {
      assert.deepEqual(afterSetup().inspect(bytes), NOT_JSON);
    }
  });

  it('refuses a setup behind a byte order mark, which JSON does not allow', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), frame('{"setup":{"model":"models/a"}}')]);
    assert.deepEqual(new SetupGate(undefined, isUtf8).inspect(bom), {
      kind: 'refuse',
      refusal: { code: 1007, reason: 'The first message must be a setup' },
    });
    assert.deepEqual(afterSetup().inspect(bom), NOT_JSON);
  });

  it('forwards after the setup a frame that is not JSON but cannot name a setup: upstream refuses it', () => {
    assert.deepEqual(afterSetup().inspect(frame('not json at all')), { kind: 'forward' });
    assert.deepEqual(afterSetup().inspect(frame('{"setup" broken')), NOT_JSON);
  });
});
