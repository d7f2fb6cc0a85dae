import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioRelay, audioMessage, type RelayTarget } from '../../../src/workers/audio-relay.js';
import { base64ToBytes } from '../../../src/audio/base64.js';

class Target implements RelayTarget {
  sent: string[] = [];
  constructor(public open = true) {}
  send(text: string): void {
    this.sent.push(text);
  }
}

/** A 20 ms chunk of 16 kHz PCM16 whose samples all equal `n`. */
function chunk(n: number): ArrayBuffer {
  return new Int16Array(320).fill(n).buffer;
}

/** The first sample of each chunk sent, in order. */
function firstSamples(target: Target): number[] {
  return target.sent.map((text) => {
    const bytes = base64ToBytes(JSON.parse(text).realtimeInput.audio.data);
    return new Int16Array(bytes.buffer, bytes.byteOffset, 1)[0];
  });
}

test('audioMessage is the realtimeInput.audio message, with the PCM as base64', () => {
  const pcm = new Int16Array([1, -2, 32767, -32768]).buffer;
  const message = JSON.parse(audioMessage(pcm));
  assert.deepEqual(Object.keys(message), ['realtimeInput']);
  assert.equal(message.realtimeInput.audio.mimeType, 'audio/pcm;rate=16000');
  assert.deepEqual([...new Int16Array(base64ToBytes(message.realtimeInput.audio.data).buffer)], [1, -2, 32767, -32768]);
});

test('chunks go to the open target; with none, or a closed one, they wait and go first to the next one', () => {
  const relay = new AudioRelay();
  relay.chunk(chunk(1));
  const first = new Target();
  relay.route(first);
  relay.chunk(chunk(2));
  assert.deepEqual(firstSamples(first), [1, 2]);
  first.open = false;
  relay.chunk(chunk(3));
  relay.chunk(chunk(4));
  assert.equal(first.sent.length, 2, 'nothing is sent on a closed socket');
  const connecting = new Target(false);
  relay.route(connecting);
  relay.chunk(chunk(5));
  assert.equal(connecting.sent.length, 0);
  connecting.open = true;
  // The socket opened: routing to it again (as the worker does on `open`) sends what waited, oldest first.
  relay.route(connecting);
  relay.chunk(chunk(6));
  assert.deepEqual(firstSamples(connecting), [3, 4, 5, 6]);
});

test('the backlog keeps the newest 5 s', () => {
  const relay = new AudioRelay();
  for (let i = 0; i < 300; i++) relay.chunk(chunk(i));
  const target = new Target();
  relay.route(target);
  // 5 s of 20 ms chunks is 250.
  assert.equal(target.sent.length, 250);
  assert.deepEqual(firstSamples(target).slice(0, 2), [50, 51]);
});

test('muted sends nothing and hides the level; push-to-talk sends only while talking', () => {
  const relay = new AudioRelay();
  const target = new Target();
  relay.route(target);
  relay.gate(true, false, false);
  relay.chunk(chunk(1));
  assert.equal(relay.levelsShow, false);
  relay.gate(false, true, false);
  relay.chunk(chunk(2));
  assert.equal(relay.levelsShow, true, 'push-to-talk shows the level while not talking');
  relay.gate(false, true, true);
  relay.chunk(chunk(3));
  relay.gate(false, true, false);
  relay.chunk(chunk(4));
  assert.deepEqual(firstSamples(target), [3]);
  relay.clear();
});

test('clear drops what waited', () => {
  const relay = new AudioRelay();
  relay.chunk(chunk(1));
  relay.clear();
  const target = new Target();
  relay.route(target);
  assert.equal(target.sent.length, 0);
});
