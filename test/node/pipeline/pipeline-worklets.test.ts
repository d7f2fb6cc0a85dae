import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../support/wait-for.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import type { PipelineEvent } from '../../../src/pipeline/messages.js';
import type { CaptureEvent, PipelineBeat, PlaybackCommand } from '../../../src/audio/worklet-messages.js';

/** A stand-in for the browser's WebSocket: opened by the test, records what is sent, takes frames from the test. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static latest: FakeSocket | undefined;
  readyState = FakeSocket.CONNECTING;
  bufferedAmount = 0;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.latest = this;
  }

  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }

  send(text: string): void {
    this.sent.push(text);
  }

  close(code = 1000, reason = ''): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }
}

/** A server message with 40 ms of 24 kHz audio whose samples are all `n`. */
function voiceFrame(n: number): string {
  const data = Buffer.from(new Int16Array(960).fill(n).buffer).toString('base64');
  return JSON.stringify({ serverContent: { modelTurn: { parts: [{ inlineData: { data, mimeType: 'audio/pcm;rate=24000' } }] } } });
}

/** The worklets' side of fresh channels to the pipeline: what reaches them is recorded. */
function worklets() {
  const capture = new MessageChannel();
  const playback = new MessageChannel();
  const toCapture: PipelineBeat[] = [];
  const toPlayback: PlaybackCommand[] = [];
  capture.port2.onmessage = (event: MessageEvent<PipelineBeat>) => toCapture.push(event.data);
  playback.port2.onmessage = (event: MessageEvent<PlaybackCommand>) => toPlayback.push(event.data);
  return {
    pipelineEnds: { capture: capture.port1, playback: playback.port1 },
    toCapture,
    toPlayback,
    /** What the playback worklet was told, in short: turns by name, enqueues by their first sample. */
    played: () => toPlayback.map((c) => (c.type === 'enqueue' ? new Int16Array(c.pcm)[0] : c.type)),
    chunk: (time: number) =>
      capture.port2.postMessage({ type: 'chunk', pcm: new Int16Array(320).buffer, time } satisfies CaptureEvent),
    close() {
      capture.port2.close();
      playback.port2.close();
    },
  };
}

const OPEN_MICROPHONE = { muted: false, pushToTalk: false, talking: false };

/** Starts `pipeline` on `ends`' worklet ports and opens its socket for microphone chunks; returns the socket. */
function startWithSocket(pipeline: Pipeline, ends: ReturnType<typeof worklets>, microphone = OPEN_MICROPHONE): FakeSocket {
  pipeline.handle({ type: 'start', ...ends.pipelineEnds, plays: true, base: 0, microphone });
  pipeline.handle({ type: 'open', id: 1, url: 'wss://service.test/ws' });
  pipeline.handle({ type: 'current', id: 1 });
  const socket = FakeSocket.latest!;
  socket.open();
  return socket;
}

const realWebSocket = globalThis.WebSocket;
before(() => {
  globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
});
after(() => {
  globalThis.WebSocket = realWebSocket;
});

test('worklets moved to a new context: the old ones hear nothing more, the report about them comes first, the next voice opens a turn on the new ones', async () => {
  const events: PipelineEvent[] = [];
  const pipeline = new Pipeline((event) => events.push(event));
  const first = worklets();
  const second = worklets();
  try {
    const socket = startWithSocket(pipeline, first);
    // An answer begins: its first audio is reported at once, the next waits to be gathered.
    socket.onmessage!({ data: voiceFrame(1) });
    socket.onmessage!({ data: voiceFrame(2) });
    first.chunk(5);
    await waitFor(() => socket.sent.length === 1, { message: 'the old capture worklet sending a chunk' });
    pipeline.beat();
    await waitFor(() => first.toCapture.length === 1, { message: 'a beat' });
    assert.deepEqual(first.toCapture, [{ type: 'beat', sentThrough: 5 }]);

    events.length = 0;
    pipeline.handle({ type: 'worklets', ...second.pipelineEnds });
    assert.deepEqual(
      events.map((event) => event.type),
      ['voice', 'worklets'],
      'the voice queued on the old worklet is reported before the move is answered',
    );
    assert.deepEqual(events[0], { type: 'voice', id: 1, ms: 40, seq: 2 });

    // The same answer goes on: on the new playback worklet it opens a turn of its own.
    socket.onmessage!({ data: voiceFrame(3) });
    first.chunk(6);
    second.chunk(0.02);
    await waitFor(() => socket.sent.length === 2, { message: "the new capture worklet's chunk sent" });
    pipeline.beat();
    await waitFor(() => second.toCapture.length === 1 && second.toPlayback.length === 2, { message: 'the new worklets told' });
    // Messages on the closed ports would have come by now too.
    await sleep(50);
    assert.deepEqual(first.played(), ['turn', 1, 2]);
    assert.deepEqual(second.played(), ['turn', 3]);
    assert.equal(socket.sent.length, 2, "only the new capture worklet's chunk went out");
    assert.equal(first.toCapture.length, 1, 'no beat for the old capture worklet');
    // The new context's clock starts again at 0: the beat does not carry the old one's times.
    assert.deepEqual(second.toCapture, [{ type: 'beat', sentThrough: 0.02 }]);
  } finally {
    pipeline.handle({ type: 'shutdown', code: 1000, reason: 'test over' });
    first.close();
    second.close();
  }
});

test('a beat right after the move says nothing was sent yet from the new capture worklet', async () => {
  const pipeline = new Pipeline(() => undefined);
  const first = worklets();
  const second = worklets();
  try {
    const socket = startWithSocket(pipeline, first);
    first.chunk(42);
    await waitFor(() => socket.sent.length === 1, { message: 'a chunk sent' });
    pipeline.handle({ type: 'worklets', ...second.pipelineEnds });
    pipeline.beat();
    await waitFor(() => second.toCapture.length === 1, { message: 'a beat' });
    assert.deepEqual(second.toCapture, [{ type: 'beat', sentThrough: -1 }]);
  } finally {
    pipeline.handle({ type: 'shutdown', code: 1000, reason: 'test over' });
    first.close();
    second.close();
  }
});

test('chunks that waited in the capture port before the pipeline started follow the microphone state it starts with', async () => {
  const pipeline = new Pipeline(() => undefined);
  const ends = worklets();
  try {
    // Push-to-talk with the talk control up: the capture worklet had sent chunks before the pipeline listened.
    ends.chunk(1);
    ends.chunk(2);
    const socket = startWithSocket(pipeline, ends, { ...OPEN_MICROPHONE, pushToTalk: true });
    await sleep(50);
    assert.deepEqual(socket.sent, [], 'nothing while the talk control is up');
    pipeline.handle({ type: 'microphone', muted: false, pushToTalk: true, talking: true });
    ends.chunk(3);
    await waitFor(() => socket.sent.length === 1, { message: 'the chunk taken while talking' });
  } finally {
    ends.close();
    pipeline.handle({ type: 'shutdown', code: 1000, reason: 'done' });
  }
});
