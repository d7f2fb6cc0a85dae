import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOLD_LIMIT_MS, ModelAudioTap, TAP_SEQ_BASE } from '../../../src/workers/model-audio-tap.js';
import type { PlaybackCommand } from '../../../src/worklets/messages.js';

/** A tap whose worklet port records what reaches it, and the page's notices. */
function setup() {
  const channel = new MessageChannel();
  const worklet: PlaybackCommand[] = [];
  channel.port2.onmessage = (event: MessageEvent<PlaybackCommand>) => worklet.push(event.data);
  const notices: Array<{ id: number; ms: number; seq: number }> = [];
  const tap = new ModelAudioTap((id, ms, seq) => notices.push({ id, ms, seq }));
  tap.attach(channel.port1);
  tap.enable(true);
  const close = () => {
    channel.port1.close();
    channel.port2.close();
  };
  // Port messages arrive in a later task.
  const settle = () => sleep(20);
  return { tap, worklet, notices, close, settle };
}

/** A message with `samples` samples of 24 kHz audio (value `n`), plus `extra` server content. */
function audio(n: number, samples = 960, extra: Record<string, unknown> = {}) {
  const data = Buffer.from(new Int16Array(samples).fill(n).buffer).toString('base64');
  const message = { serverContent: { modelTurn: { parts: [{ inlineData: { data, mimeType: 'audio/pcm;rate=24000' } }] }, ...extra } };
  return { message, text: JSON.stringify(message) };
}

function take(tap: ModelAudioTap, id: number, { message, text }: { message: Record<string, unknown>; text: string }) {
  return tap.take(id, message, text);
}

const enqueued = (worklet: PlaybackCommand[]): Array<number | string> =>
  worklet.flatMap((c): Array<number | string> =>
    c.type === 'enqueue' ? [new Int16Array(c.pcm)[0]] : c.type === 'turn' || c.type === 'flush' ? [c.type] : [],
  );

test('an answer waits for the page\'s turn, then flows straight to the worklet; only the rest of a message reaches the page', async () => {
  const { tap, worklet, notices, close, settle } = setup();
  try {
    // The first audio of an answer waits, and the page hears of it at once.
    assert.equal(take(tap, 1, audio(1)), null);
    assert.deepEqual(notices, [{ id: 1, ms: 40, seq: TAP_SEQ_BASE + 1 }]);
    await settle();
    assert.deepEqual(enqueued(worklet), []);
    tap.command({ type: 'turn', turn: 1 }, []);
    await settle();
    assert.deepEqual(enqueued(worklet), ['turn', 1]);
    // Now audio goes straight on; its notices are gathered.
    assert.equal(take(tap, 1, audio(2)), null);
    assert.equal(take(tap, 1, audio(3)), null);
    await settle();
    assert.deepEqual(enqueued(worklet), ['turn', 1, 2, 3]);
    assert.equal(notices.length, 1);
    // A message with a caption as well: the page gets the message without its audio, and the audio's notice
    // rides on it.
    const rest = take(tap, 1, audio(4, 960, { outputTranscription: { text: 'Hi' } }));
    assert.deepEqual(JSON.parse(rest!), { serverContent: { outputTranscription: { text: 'Hi' } } });
    assert.deepEqual(tap.takeNotice(1), { ms: 120, seq: TAP_SEQ_BASE + 4 });
    assert.equal(tap.takeNotice(1), undefined, 'taken once');
    // Otherwise the notices are gathered, and go on their own within 200 ms.
    take(tap, 1, audio(5));
    await sleep(300);
    assert.deepEqual(notices[1], { id: 1, ms: 40, seq: TAP_SEQ_BASE + 5 });
    assert.equal(notices.length, 2);
    // A message without audio passes unchanged.
    const plain = JSON.stringify({ serverContent: { turnComplete: true } });
    assert.equal(tap.take(1, JSON.parse(plain), plain), plain);
  } finally {
    close();
  }
});

test('after an interruption, the next answer waits until the page\'s flush has gone by', async () => {
  const { tap, worklet, close, settle } = setup();
  try {
    take(tap, 1, audio(1));
    tap.command({ type: 'turn', turn: 1 }, []);
    const interrupted = JSON.stringify({ serverContent: { interrupted: true } });
    assert.equal(tap.take(1, JSON.parse(interrupted), interrupted), interrupted);
    // The next answer arrives before the page reacted to the interruption.
    take(tap, 1, audio(2));
    // A `turn` the page sent before it saw the interruption does not release it.
    tap.command({ type: 'turn', turn: 1 }, []);
    await settle();
    assert.deepEqual(enqueued(worklet), ['turn', 1, 'turn']);
    tap.command({ type: 'flush', turn: 2 }, []);
    await settle();
    assert.deepEqual(enqueued(worklet), ['turn', 1, 'turn', 'flush'], 'still waiting for the new answer\'s turn');
    tap.command({ type: 'turn', turn: 3 }, []);
    await settle();
    assert.deepEqual(enqueued(worklet), ['turn', 1, 'turn', 'flush', 'turn', 2]);
  } finally {
    close();
  }
});

test('audio never waits longer than the hold limit, and a disabled tap passes messages through', async () => {
  const { tap, worklet, close, settle } = setup();
  try {
    take(tap, 1, audio(7));
    await sleep(HOLD_LIMIT_MS + 100);
    assert.deepEqual(enqueued(worklet), [7]);
    tap.enable(false);
    const message = audio(8);
    assert.equal(take(tap, 1, message), message.text);
    await settle();
    assert.deepEqual(enqueued(worklet), [7]);
  } finally {
    close();
  }
});

test('an odd byte is dropped, and audio that is not base64 is left in the message', async () => {
  const { tap, worklet, close, settle } = setup();
  try {
    tap.command({ type: 'turn', turn: 1 }, []);
    const odd = { serverContent: { modelTurn: { parts: [{ inlineData: { data: Buffer.from([1, 0, 2]).toString('base64'), mimeType: 'audio/pcm;rate=24000' } }] } } };
    assert.equal(tap.take(1, odd, JSON.stringify(odd)), null);
    const bad = { serverContent: { modelTurn: { parts: [{ inlineData: { data: '***', mimeType: 'audio/pcm;rate=24000' } }] } } };
    const text = JSON.stringify(bad);
    assert.equal(tap.take(1, bad, text), text);
    await settle();
    const queued = worklet.filter((c) => c.type === 'enqueue');
    assert.equal(queued.length, 1);
    assert.equal(queued[0].type === 'enqueue' && queued[0].pcm.byteLength, 2);
  } finally {
    close();
  }
});
