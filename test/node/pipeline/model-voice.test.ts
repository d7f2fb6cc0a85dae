import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { ModelVoice, decodePcm, pcmRate } from '../../../src/pipeline/model-voice.js';
import type { PlaybackCommand } from '../../../src/audio/worklet-messages.js';
import type { DroppedFrame } from '../../../src/pipeline/frames.js';
import type { VoiceQueued } from '../../../src/pipeline/messages.js';

const BASE = 1000;

/** A voice whose worklet port records what reaches it (at once), and what the page hears. */
function setup(plays = true) {
  const worklet: PlaybackCommand[] = [];
  const reports: Array<{ id: number } & VoiceQueued> = [];
  const dropped: DroppedFrame[] = [];
  const voice = new ModelVoice(
    (id, queued) => reports.push({ id, ...queued }),
    (_id, frame) => dropped.push(frame),
  );
  voice.configure(plays, BASE);
  voice.attach({ postMessage: (command: PlaybackCommand) => worklet.push(command) } as unknown as MessagePort);
  const take = (id: number, message: Record<string, unknown>) => voice.take(id, message, JSON.stringify(message));
  return { voice, worklet, reports, dropped, take };
}

/** A message with `samples` samples of 24 kHz audio (value `n`), plus `extra` server content. */
function audio(n: number, samples = 960, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const data = Buffer.from(new Int16Array(samples).fill(n).buffer).toString('base64');
  return { serverContent: { modelTurn: { parts: [{ inlineData: { data, mimeType: 'audio/pcm;rate=24000' } }] }, ...extra } };
}

const interrupted = () => ({ serverContent: { interrupted: true } });
const turnComplete = () => ({ serverContent: { turnComplete: true } });

/** The worklet's commands in short: a turn or flush by name, an enqueue by its first sample. */
const commands = (worklet: PlaybackCommand[]): Array<number | string> =>
  worklet.flatMap((c): Array<number | string> =>
    c.type === 'enqueue' ? [new Int16Array(c.pcm)[0]] : c.type === 'turn' || c.type === 'flush' ? [`${c.type} ${c.turn - BASE}`] : [],
  );

test('PCM rates and decoding: a stray odd byte dropped, text that is not base64 refused', () => {
  assert.equal(pcmRate('audio/pcm;rate=16000'), 16000);
  assert.equal(pcmRate('audio/pcm'), 24000);
  assert.equal(pcmRate('audio/pcm;rate=5'), undefined);
  assert.equal(pcmRate('audio/mp3'), undefined);
  assert.deepEqual([...new Uint8Array(decodePcm(Buffer.from([1, 0, 2]).toString('base64'))!)], [1, 0]);
  assert.equal(decodePcm('***'), undefined);
});

test('an answer is marked as a turn at its first audio and flows straight to the worklet; the page gets the rest', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { worklet, reports, take, voice } = setup();
    assert.deepEqual(take(1, audio(1)), { text: null, flushed: undefined });
    // The first audio of an answer is reported at once.
    assert.deepEqual(reports, [{ id: 1, ms: 40, seq: BASE + 1 }]);
    assert.equal(take(1, audio(2)).text, null);
    assert.equal(take(1, audio(3)).text, null);
    assert.deepEqual(commands(worklet), ['turn 1', 1, 2, 3]);
    assert.equal(reports.length, 1, 'later audio is gathered');
    // A message with a caption as well: the page gets it without its audio, and the voice's report rides on it.
    const rest = take(1, audio(4, 960, { outputTranscription: { text: 'Hi' } }));
    assert.deepEqual(JSON.parse(rest.text!), { serverContent: { outputTranscription: { text: 'Hi' } } });
    assert.deepEqual(voice.takeUnreported(1), { ms: 120, seq: BASE + 4 });
    assert.equal(voice.takeUnreported(1), undefined, 'taken once');
    // Otherwise the reports are gathered, and go on their own within 200 ms.
    take(1, audio(5));
    mock.timers.tick(199);
    assert.equal(reports.length, 1);
    mock.timers.tick(1);
    assert.deepEqual(reports[1], { id: 1, ms: 40, seq: BASE + 5 });
    // A message without audio passes unchanged.
    const plain = JSON.stringify(turnComplete());
    assert.deepEqual(voice.take(1, turnComplete(), plain), { text: plain, flushed: undefined });
  } finally {
    mock.timers.reset();
  }
});

test('an interruption flushes at once, ahead of the next answer, which starts a turn of its own', () => {
  const { worklet, take } = setup();
  take(1, audio(1));
  take(1, audio(2));
  const { text, flushed } = take(1, interrupted());
  assert.equal(flushed, BASE + 2, 'the flush starts turn 2');
  assert.deepEqual(JSON.parse(text!), interrupted(), 'the page still hears of the interruption');
  take(1, audio(3));
  assert.deepEqual(commands(worklet), ['turn 1', 1, 2, 'flush 2', 'turn 3', 3]);
});

test('a turn ends with turnComplete or its socket\'s close; the next audio is a new turn', () => {
  const { worklet, take, voice } = setup();
  take(1, audio(1));
  take(1, turnComplete());
  take(1, audio(2));
  voice.closed(1);
  take(2, audio(3));
  // A turnComplete from a socket that is not answering ends nothing.
  take(1, turnComplete());
  take(2, audio(4));
  assert.deepEqual(commands(worklet), ['turn 1', 1, 'turn 2', 2, 'turn 3', 3, 4]);
});

test('text answers: the audio is dropped, never reaches the worklet or the page, and nothing is flushed', () => {
  const { worklet, reports, take } = setup(false);
  assert.equal(take(1, audio(1)).text, null);
  const rest = take(1, audio(2, 960, { outputTranscription: { text: 'Hi' } }));
  assert.deepEqual(JSON.parse(rest.text!), { serverContent: { outputTranscription: { text: 'Hi' } } });
  assert.equal(take(1, interrupted()).flushed, undefined);
  assert.deepEqual(worklet, []);
  assert.deepEqual(reports, []);
});

test('audio that is not base64 is dropped alone and reported; other parts stay', () => {
  const { worklet, dropped, take } = setup();
  const message = { serverContent: { modelTurn: { parts: [{ inlineData: { data: '***', mimeType: 'audio/pcm;rate=24000' } }, { text: 'words' }] } } };
  const { text } = take(1, message);
  assert.deepEqual(JSON.parse(text!), { serverContent: { modelTurn: { parts: [{ text: 'words' }] } } });
  assert.deepEqual(dropped, [{ reason: 'unreadable', bytes: 3 }]);
  assert.deepEqual(worklet, []);
  // An odd byte alone is nothing to play, and nothing to report either.
  const odd = { serverContent: { modelTurn: { parts: [{ inlineData: { data: Buffer.from([7]).toString('base64'), mimeType: 'audio/pcm' } }] } } };
  assert.equal(take(1, odd).text, null);
  assert.deepEqual(worklet, []);
});

test('voice from another socket is reported on its own first', () => {
  const { reports, take, voice } = setup();
  take(1, audio(1));
  take(1, audio(2));
  take(2, audio(3));
  // Socket 1's 40 ms went on their own before socket 2's audio was counted.
  assert.deepEqual(reports.slice(0, 3), [
    { id: 1, ms: 40, seq: BASE + 1 },
    { id: 1, ms: 40, seq: BASE + 2 },
    { id: 2, ms: 40, seq: BASE + 3 },
  ]);
  assert.equal(voice.takeUnreported(2), undefined);
});
