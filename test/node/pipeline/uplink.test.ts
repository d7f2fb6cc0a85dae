import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MicrophoneUplink, audioMessage, type UplinkSocket } from '../../../src/pipeline/uplink.js';
import { base64ToBytes } from '../../../src/audio/base64.js';

class Target implements UplinkSocket {
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
  const uplink = new MicrophoneUplink();
  uplink.chunk(chunk(1), 1);
  const first = new Target();
  uplink.setSocket(first);
  uplink.chunk(chunk(2), 2);
  assert.deepEqual(firstSamples(first), [1, 2]);
  first.open = false;
  uplink.chunk(chunk(3), 3);
  uplink.chunk(chunk(4), 4);
  assert.equal(first.sent.length, 2, 'nothing is sent on a closed socket');
  const connecting = new Target(false);
  uplink.setSocket(connecting);
  uplink.chunk(chunk(5), 5);
  assert.equal(connecting.sent.length, 0);
  connecting.open = true;
  // The socket opened: naming it again (as the pipeline does on `open`) sends what waited, oldest first.
  uplink.setSocket(connecting);
  uplink.chunk(chunk(6), 6);
  assert.deepEqual(firstSamples(connecting), [3, 4, 5, 6]);
});

test('the backlog keeps the newest 5 s', () => {
  const uplink = new MicrophoneUplink();
  for (let i = 0; i < 300; i++) uplink.chunk(chunk(i), i);
  const target = new Target();
  uplink.setSocket(target);
  // 5 s of 20 ms chunks is 250.
  assert.equal(target.sent.length, 250);
  assert.deepEqual(firstSamples(target).slice(0, 2), [50, 51]);
});

test('muted sends nothing; push-to-talk sends only while talking', () => {
  const uplink = new MicrophoneUplink();
  const target = new Target();
  uplink.setSocket(target);
  uplink.setMicrophone({ muted: true, pushToTalk: false, talking: false });
  uplink.chunk(chunk(1), 1);
  assert.equal(uplink.muted, true);
  uplink.setMicrophone({ muted: false, pushToTalk: true, talking: false });
  uplink.chunk(chunk(2), 2);
  uplink.setMicrophone({ muted: false, pushToTalk: true, talking: true });
  uplink.chunk(chunk(3), 3);
  uplink.setMicrophone({ muted: false, pushToTalk: true, talking: false });
  uplink.chunk(chunk(4), 4);
  assert.deepEqual(firstSamples(target), [3]);
  // Muted while the talk control is held: still nothing.
  uplink.setMicrophone({ muted: true, pushToTalk: true, talking: true });
  uplink.chunk(chunk(5), 5);
  assert.deepEqual(firstSamples(target), [3]);
});

test('sentThrough names the last chunk put on a socket, not one that waits', () => {
  const uplink = new MicrophoneUplink();
  assert.equal(uplink.sentThrough, -1);
  uplink.chunk(chunk(1), 1.5);
  assert.equal(uplink.sentThrough, -1, 'waiting in the backlog is not sent');
  const target = new Target();
  uplink.setSocket(target);
  assert.equal(uplink.sentThrough, 1.5, 'the backlog went out');
  uplink.chunk(chunk(2), 2.5);
  assert.equal(uplink.sentThrough, 2.5);
  target.open = false;
  uplink.chunk(chunk(3), 3.5);
  assert.equal(uplink.sentThrough, 2.5);
});

test('clear drops what waited', () => {
  const uplink = new MicrophoneUplink();
  uplink.chunk(chunk(1), 1);
  uplink.clear();
  const target = new Target();
  uplink.setSocket(target);
  assert.equal(target.sent.length, 0);
});
