// The relay's valve on its own, with a stand-in sink whose unsent bytes the test sets: when the source is paused
// and read again, and when a sink is given up on.
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { Valve } from '../../../src/server/backpressure.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setUp(highWaterMark: number, stallTimeoutMs: number) {
  const source = { paused: 0, resumed: 0, pause: () => source.paused++, resume: () => source.resumed++ };
  const sink = { writableLength: 0 };
  let stalled = 0;
  const valve = new Valve(() => source as unknown as Duplex, { highWaterMark, stallTimeoutMs }, () => stalled++);
  return { source, sink, valve, stalled: () => stalled, write: () => valve.afterWrite(sink as unknown as Duplex) };
}

describe('Valve', () => {
  it('pauses the source over the mark and reads it again at half, even with a mark below the socket buffer', async () => {
    const { source, sink, valve, stalled, write } = setUp(1024, 300);
    sink.writableLength = 1024;
    write();
    assert.equal(source.paused, 0, 'at the mark is not over it');
    sink.writableLength = 5000;
    write();
    write();
    assert.equal(source.paused, 1);
    sink.writableLength = 0; // the socket flushed: no drain event comes for a buffer this small
    await sleep(100);
    assert.equal(source.resumed, 1);
    await sleep(300);
    assert.equal(stalled(), 0);
    valve.dispose();
  });

  it('gives up on a sink that takes nothing for the stall time, even between half the mark and the mark', async () => {
    const over = setUp(1000, 200);
    over.sink.writableLength = 5000;
    over.write();
    await sleep(350);
    assert.equal(over.stalled(), 1);
    assert.equal(over.source.resumed, 0);

    const between = setUp(1000, 200);
    between.sink.writableLength = 5000;
    between.write();
    between.sink.writableLength = 800; // took some, then nothing more: under the mark, not yet down to half
    await sleep(350);
    assert.equal(between.stalled(), 1);
    assert.equal(between.source.resumed, 0);
  });

  it('waits for a sink that drains slowly, however long it takes, and reads the source again at half', async () => {
    const { source, sink, stalled, write } = setUp(1000, 150);
    sink.writableLength = 5000;
    write();
    for (let step = 0; step < 8; step++) {
      await sleep(60);
      sink.writableLength -= 500; // 8 × 60 ms: over twice the stall time in all
    }
    assert.equal(stalled(), 0);
    assert.equal(source.resumed, 0, 'still paused: 1000 bytes left is over half the mark');
    sink.writableLength = 400;
    await sleep(100);
    assert.equal(source.resumed, 1);
    assert.equal(stalled(), 0);
  });

  it('reads a paused source again when disposed with resume, and not otherwise', () => {
    const first = setUp(10, 1000);
    first.sink.writableLength = 50;
    first.write();
    first.valve.dispose(true);
    assert.equal(first.source.resumed, 1);
    const second = setUp(10, 1000);
    second.sink.writableLength = 50;
    second.write();
    second.valve.dispose();
    assert.equal(second.source.resumed, 0);
  });
});
