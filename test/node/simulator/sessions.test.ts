import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Modality, type LiveServerMessage } from '@google/genai';
import { TEXT_MODEL, connect, connectExpectingClose, startTestSimulator, type Sim, turnComplete } from './helpers.js';

const handleUpdate = (m: LiveServerMessage) => !!m.sessionResumptionUpdate?.newHandle;

describe('session resumption', () => {
  let sim: Sim;
  let clock = Date.now();
  before(async () => {
    sim = await startTestSimulator({ now: () => clock });
  });
  after(() => sim.close());

  test('handles arrive right after setup and at every turn boundary', async () => {
    const client = await connect(sim, { model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT], sessionResumption: {} } });
    await client.waitFor(handleUpdate);
    assert.deepEqual(client.kinds().slice(0, 2), ['setupComplete', 'sessionResumptionUpdate']);
    client.session.sendRealtimeInput({ text: 'one' });
    await client.waitFor(turnComplete);
    await client.waitFor(handleUpdate, { from: 2 });
    const updates = client.messages.filter(handleUpdate).map((m) => m.sessionResumptionUpdate!);
    assert.equal(updates.length, 2);
    assert.ok(updates.every((u) => u.resumable === true));
    assert.notEqual(updates[0].newHandle, updates[1].newHandle);
    assert.equal(client.kinds().at(-1), 'sessionResumptionUpdate');
    client.session.close();

    const without = await connect(sim, { model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT] } });
    without.session.sendRealtimeInput({ text: 'one' });
    await without.waitFor(turnComplete);
    assert.ok(!without.kinds().includes('sessionResumptionUpdate'));
    without.session.close();
  });

  test('a new connection with a known handle continues the conversation', async () => {
    const first = await connect(sim, { model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT], sessionResumption: {} } });
    first.session.sendRealtimeInput({ text: 'Remember me' });
    await first.waitFor(turnComplete);
    const handle = (await first.waitFor(handleUpdate, { from: 2 })).sessionResumptionUpdate!.newHandle!;
    const sessionId = sim.control.latest().session.id;
    first.session.close();
    await first.closed;

    const second = await connect(sim, {
      model: TEXT_MODEL,
      config: { responseModalities: [Modality.TEXT], sessionResumption: { handle } },
    });
    const record = sim.control.latest();
    assert.deepEqual(record.session.id, sessionId);
    assert.equal(record.session.resumed, true);
    assert.equal(record.session.resumedWith, handle);
    second.session.sendRealtimeInput({ text: 'I am back' });
    await second.waitFor(turnComplete);
    assert.equal(second.transcript(), 'Welcome back, this is turn two of our conversation. You said: I am back.');
    const usage = second.messages.find(turnComplete)!.usageMetadata!;
    const firstUsage = first.messages.find(turnComplete)!.usageMetadata!;
    assert.ok(usage.promptTokenCount! > firstUsage.totalTokenCount!, 'context carried over');
    second.session.close();
  });

  test('an unknown handle closes 1008; with unknownHandle "fresh" it starts a new session', async () => {
    const { close } = await connectExpectingClose(sim, { config: { sessionResumption: { handle: 'nope' } } });
    assert.deepEqual(close, { code: 1008, reason: 'Session resumption handle is not valid or has expired.' });
    await sim.control.configure({ unknownHandle: 'fresh' });
    const client = await connect(sim, { config: { sessionResumption: { handle: 'nope' } } });
    assert.equal(sim.control.latest().session.resumed, false);
    client.session.close();
    await sim.control.configure({ unknownHandle: 'close' });
  });

  test('handles expire after two hours', async () => {
    const first = await connect(sim, { config: { sessionResumption: {} } });
    const handle = (await first.waitFor(handleUpdate)).sessionResumptionUpdate!.newHandle!;
    first.session.close();
    clock += 2 * 3600_000 + 1000;
    try {
      const { close } = await connectExpectingClose(sim, { config: { sessionResumption: { handle } } });
      assert.equal(close?.code, 1008);
    } finally {
      clock = Date.now();
    }
  });
});

describe('connection lifetime and goAway', () => {
  test('goAway arrives goAwayBeforeMs before the lifetime ends, then the server closes', async () => {
    const sim = await startTestSimulator({ connectionLifetimeMs: 600, goAwayBeforeMs: 400 });
    try {
      const started = Date.now();
      const client = await connect(sim);
      const goAway = await client.waitFor((m) => !!m.goAway);
      const goAwayAt = Date.now() - started;
      assert.equal(goAway.goAway!.timeLeft, '0.400s');
      assert.ok(goAwayAt >= 150 && goAwayAt < 450, `goAway after ${goAwayAt} ms`);
      // The Gemini API's end of a connection's life (google/adk-python#4140).
      const close = await client.closed;
      assert.deepEqual(close, { code: 1011, reason: 'Deadline expired before operation could complete.' });
      assert.ok(Date.now() - started >= 580);
      const record = sim.control.latest();
      assert.equal((await sim.control.waitFor(() => record.close)).initiatedBy, 'server');
    } finally {
      await sim.close();
    }
  });

  test('the default lifetime is ten minutes with goAway a minute before, as whole seconds', async () => {
    const sim = await startTestSimulator();
    try {
      assert.equal(sim.settings.connectionLifetimeMs, 600_000);
      assert.equal(sim.settings.goAwayBeforeMs, 60_000);
      const client = await connect(sim);
      await sim.control.goAway({ timeLeftMs: 50_000, close: false });
      assert.equal((await client.waitFor((m) => !!m.goAway)).goAway!.timeLeft, '50s');
      client.session.close();
    } finally {
      await sim.close();
    }
  });
});
