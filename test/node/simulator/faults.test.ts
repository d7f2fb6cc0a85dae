import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Modality } from '@google/genai';
import { createSimulator, JUNK_KINDS } from '../../../demo/simulator/index.js';
import { base64ToPcm16, pcm16ToBase64, speechLikeTone } from '../../../demo/simulator/pcm.js';
import { TEXT_MODEL, connect, connectExpectingClose, delay, kindOf, rawSocket, type Sim, turnComplete, useTestSimulator } from './helpers.js';


describe('faults and scripted events', () => {
  const simulator = useTestSimulator();
  const { open } = simulator;

  async function post(body: unknown) {
    const response = await fetch(`${simulator.sim.url}/__sim/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sim-control': '1' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  test('close with a code and reason (default 1011 "Internal error encountered.")', async () => {
    const client = await open();
    await simulator.sim.control.close({ code: 4001, reason: 'Scripted close' });
    assert.deepEqual(await client.closed, { code: 4001, reason: 'Scripted close' });
    const other = await open();
    await simulator.sim.control.close();
    assert.deepEqual(await other.closed, { code: 1011, reason: 'Internal error encountered.' });
    const record = simulator.sim.control.latest();
    assert.deepEqual(record.faults.map((f) => f.action), ['close']);
  });

  test('drop destroys the socket without a close frame: the client sees 1006', async () => {
    const client = await open();
    await simulator.sim.control.drop();
    assert.equal((await client.closed).code, 1006);
    const record = simulator.sim.control.latest();
    assert.equal((await simulator.sim.control.waitFor(() => record.close)).code, 1006);
  });

  test('failNextSetup: the next setup is answered by a close and connect() rejects', async () => {
    await simulator.sim.control.failNextSetup({ code: 1011 });
    const { close, error } = await connectExpectingClose(simulator.sim);
    assert.deepEqual(close, { code: 1011, reason: 'Internal error encountered.' });
    assert.match(error.message, /closed before setup completed \(code 1011\)/);
    assert.equal(simulator.sim.control.latest().setupCompleteSent, false);
    // Only the next one: the connection after it works.
    await open();
  });

  test('closeNext and dropNext at each stage', async () => {
    await simulator.sim.control.closeNext({ code: 1008, reason: 'before setup', at: 'open' });
    assert.deepEqual((await connectExpectingClose(simulator.sim)).close, { code: 1008, reason: 'before setup' });
    assert.equal(simulator.sim.control.latest().setup, null);

    await simulator.sim.control.dropNext({ at: 'setup' });
    assert.equal((await connectExpectingClose(simulator.sim)).close?.code, 1006);

    await simulator.sim.control.closeNext({ code: 1011 });
    const client = await open();
    assert.equal((await client.closed).code, 1011);
    assert.ok(client.kinds().includes('setupComplete'));
  });

  test('refuseNext answers the upgrade with an HTTP error; the SDK fails before opening', async () => {
    await simulator.sim.control.refuseNext({ status: 503 });
    const { error } = await connectExpectingClose(simulator.sim);
    assert.match(error.message, /Live connection (failed|closed) before setup completed/);
    const refused = simulator.sim.control.latest();
    assert.equal(refused.refusedWithStatus, 503);
    await open();
    assert.notEqual(simulator.sim.control.latest().id, refused.id);
  });

  test('stallNextSetup: setupComplete never comes (connect() stays pending) until something closes it', async () => {
    await simulator.sim.control.stallNextSetup();
    const before = simulator.sim.connections.length;
    const pending = connectExpectingClose(simulator.sim);
    const record = await simulator.sim.control.waitForConnection({ after: before, where: (r) => r.setup !== null });
    await delay(300);
    assert.equal(record.setupCompleteSent, false);
    assert.equal(record.sent.total, 0);
    await simulator.sim.control.close({ target: record.id, code: 1011 });
    assert.equal((await pending).close?.code, 1011);
  });

  test('junk frames arrive as sent (checked with a raw socket)', async () => {
    const raw = rawSocket(simulator.sim);
    await raw.opened;
    raw.ws.send(JSON.stringify({ setup: { model: 'models/gemini-3.8-live' } }));
    await simulator.sim.control.waitFor(() => raw.frames.length === 1);
    for (const kind of JUNK_KINDS) await simulator.sim.control.junk({ kind, bytes: 1000 });
    await simulator.sim.control.waitFor(() => raw.frames.length === 1 + JUNK_KINDS.length);
    const frames = raw.frames.slice(1);
    const byKind = Object.fromEntries(JUNK_KINDS.map((kind, i) => [kind, frames[i]]));
    assert.equal(byKind.textFrame.binary, false);
    assert.equal(byKind.nonJson.binary, true);
    assert.throws(() => JSON.parse(byKind.nonJson.data.toString()));
    assert.throws(() => JSON.parse(byKind.truncated.data.toString()));
    assert.deepEqual(JSON.parse(byKind.array.data.toString()), [1, 2, 3]);
    assert.deepEqual(JSON.parse(byKind.empty.data.toString()), {});
    assert.equal(JSON.parse(byKind.huge.data.toString()).serverContent.modelTurn.parts[0].text.length, 1000);
    assert.equal(JSON.parse(byKind.wrongType.data.toString()).serverContent.modelTurn.parts, 'not-a-list');
    raw.ws.close();
  });

  test('what the SDK does with junk: non-JSON is an unhandled rejection, the rest reaches onmessage', async () => {
    const run = promisify(execFile);
    const probe = new URL('./fixtures/sdk-junk-probe.ts', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', probe, simulator.sim.url, 'nonJson', 'textFrame', 'wrongType', 'huge'], {
      timeout: 20_000,
    });
    const results: Record<string, { rejections: string[]; messages: number; lastKeys: string[]; lastSize: number }> = JSON.parse(stdout);
    assert.deepEqual(results.nonJson, { rejections: ['SyntaxError'], messages: 0, lastKeys: [], lastSize: 0 });
    assert.deepEqual(results.textFrame.rejections, ['SyntaxError']);
    assert.deepEqual(results.wrongType.rejections, []);
    assert.deepEqual(results.wrongType.lastKeys, ['serverContent']);
    assert.deepEqual(results.huge.rejections, []);
    assert.ok(results.huge.lastSize > 2_000_000);
  });

  test('goAway now, closing when the announced time is up', async () => {
    const client = await open();
    await simulator.sim.control.goAway({ timeLeftMs: 200 });
    assert.equal((await client.waitFor((m) => !!m.goAway)).goAway!.timeLeft, '0.200s');
    assert.deepEqual(await client.closed, { code: 1011, reason: 'Deadline expired before operation could complete.' });
  });

  test('goAway with code 1000 ends the way Vertex ends a connection', async () => {
    const client = await open();
    await simulator.sim.control.goAway({ timeLeftMs: 100, code: 1000 });
    assert.deepEqual(await client.closed, { code: 1000, reason: 'The operation was cancelled.' });
  });

  test('delay holds back outgoing messages, in order', async () => {
    const client = await open({ model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT] } });
    await simulator.sim.control.delay({ ms: 400 });
    const sent = Date.now();
    client.session.sendRealtimeInput({ text: 'hello' });
    await client.waitFor((m) => kindOf(m) === 'text');
    assert.ok(Date.now() - sent >= 390, `first message after ${Date.now() - sent} ms`);
    await client.waitFor(turnComplete);
    assert.deepEqual(client.kinds(1).slice(-2), ['generationComplete', 'turnComplete']);
  });

  /** Arrival time of every message of one scripted audio turn, and when the simulator sent each audio chunk. */
  async function timedAudioTurn(client: Awaited<ReturnType<typeof open>>) {
    const sentAt: number[] = [];
    const onSent = (_record: unknown, message: Record<string, any>) => {
      if (message.serverContent?.modelTurn?.parts?.[0]?.inlineData) sentAt.push(Date.now());
    };
    simulator.sim.events.on('sent', onSent);
    const arrivedAt = new Map<object, number>();
    const from = client.messages.length;
    const audio = speechLikeTone(2000, 24000);
    await simulator.sim.control.turn({ audioBase64: pcm16ToBase64(audio), outputTranscript: [] });
    // The predicate sees each message as it arrives: that is its arrival time.
    await client.waitFor(
      (m) => {
        if (!arrivedAt.has(m)) arrivedAt.set(m, Date.now());
        return turnComplete(m);
      },
      { from, timeoutMs: 10000 },
    );
    simulator.sim.events.off('sent', onSent);
    const audioMessages = client.messages.slice(from).filter((m) => kindOf(m) === 'audio');
    const received = audioMessages.flatMap((m) => m.serverContent!.modelTurn!.parts!).map((p) => base64ToPcm16(p.inlineData!.data!));
    const samples = new Int16Array(received.reduce((n, chunk) => n + chunk.length, 0));
    received.reduce((offset, chunk) => (samples.set(chunk, offset), offset + chunk.length), 0);
    assert.deepEqual(samples, audio, 'all audio arrives, in order');
    return { lateness: audioMessages.map((m, i) => arrivedAt.get(m)! - sentAt[i]), arrivals: audioMessages.map((m) => arrivedAt.get(m)!) };
  }

  test('jitter holds back each model audio message by a random 0..maxMs, in order', async () => {
    const client = await open();
    await simulator.sim.control.jitter({ maxMs: 150 });
    const { lateness } = await timedAudioTurn(client);
    // 50 chunks, each held back 0–150 ms: some by more than half of that (all below would be a 1e-15 chance).
    assert.ok(Math.max(...lateness) >= 75, `latest ${Math.max(...lateness)} ms`);
    // Order is kept, so a chunk waits at most for the one before it: never much more than maxMs (plus timers).
    assert.ok(Math.max(...lateness) < 150 + 250, `latest ${Math.max(...lateness)} ms`);
  });

  test('bursts deliver outgoing messages in clumps', async () => {
    const client = await open();
    await simulator.sim.control.bursts({ everyMs: 300 });
    const { arrivals, lateness } = await timedAudioTurn(client);
    assert.ok(Math.max(...lateness) < 300 + 250, `latest ${Math.max(...lateness)} ms`);
    // Held until a multiple of 300 ms on the simulator's clock (the same clock here): every chunk arrives just
    // after one, instead of spread over the whole interval.
    const offBeat = arrivals.filter((at) => at % 300 > 60);
    assert.ok(offBeat.length <= 2, `${offBeat.length} of ${arrivals.length} chunks arrived between bursts`);
  });

  test('a scripted turn with given audio, transcripts and text', async () => {
    const client = await open({ config: { outputAudioTranscription: {}, inputAudioTranscription: {} } });
    const audio = speechLikeTone(500, 24000);
    await simulator.sim.control.turn({
      inputTranscript: 'what is the time',
      audioBase64: pcm16ToBase64(audio),
      outputTranscript: ['It is ', 'noon.'],
      wait: true,
    });
    await client.waitFor(turnComplete);
    const received = client.messages.flatMap((m) => m.serverContent?.modelTurn?.parts ?? []).map((p) => base64ToPcm16(p.inlineData!.data!));
    assert.equal(received.reduce((n, chunk) => n + chunk.length, 0), audio.length);
    assert.equal(client.messages.map((m) => m.serverContent?.inputTranscription?.text ?? '').join(''), 'what is the time');
    assert.equal(client.transcript(), 'It is noon.');
    const from = client.messages.length;
    await simulator.sim.control.turn({ text: 'Scripted words.', wait: true });
    await client.waitFor(turnComplete, { from });
    assert.equal(client.transcript(from), 'Scripted words.');
    assert.ok(client.kinds(from).includes('audio'));
  });

  test('interrupt, a non-resumable resumption update and any raw message on demand', async () => {
    await simulator.sim.control.configure({ speed: 1 });
    const client = await open({ config: { sessionResumption: {} } });
    client.session.sendRealtimeInput({ text: 'talk' });
    await client.waitFor((m) => kindOf(m) === 'audio');
    await simulator.sim.control.interrupt();
    await client.waitFor((m) => !!m.serverContent?.interrupted);
    await simulator.sim.control.resumptionUpdate({ resumable: false });
    await client.waitFor((m) => m.sessionResumptionUpdate?.resumable === false);
    await simulator.sim.control.send({ message: { serverContent: { outputTranscription: { text: 'injected' } } } });
    await client.waitFor((m) => m.serverContent?.outputTranscription?.text === 'injected');
  });

  test('the HTTP control route and connection records', async () => {
    const preflight = await fetch(`${simulator.sim.url}/__sim/control`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8000', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:8000');

    assert.deepEqual(await post({ action: 'closeNext', code: 4000, reason: 'via http' }), {
      status: 200,
      body: { ok: true, queued: 'next', stage: 'ready' },
    });
    const client = await open();
    assert.deepEqual(await client.closed, { code: 4000, reason: 'via http' });

    const unknown = await post({ action: 'explode' });
    assert.equal(unknown.status, 400);
    assert.match(String(unknown.body.error), /Unknown action/);

    const list = (await (await fetch(`${simulator.sim.url}/__sim/connections`)).json()) as { connections: Array<{ id: string; close: unknown }> };
    assert.equal(list.connections.at(-1)?.id, simulator.sim.control.latest().id);
    const one = await fetch(`${simulator.sim.url}/__sim/connections/latest`);
    assert.equal(((await one.json()) as { id: string }).id, simulator.sim.control.latest().id);

    const token = await post({ action: 'createToken', uses: 2 });
    assert.match(String(token.body.name), /^auth_tokens\//);
  });

  test('reset forgets queued faults and closed records and restores options', async () => {
    await simulator.sim.control.failNextSetup();
    await simulator.sim.control.configure({ speed: 3 });
    const client = await connectExpectingClose(simulator.sim);
    assert.ok(client.close);
    const failed = simulator.sim.control.latest();
    await simulator.sim.control.waitFor(() => failed.close);
    await simulator.sim.control.closeNext();
    await simulator.sim.control.reset();
    assert.equal(simulator.sim.connections.length, 0);
    assert.equal(simulator.sim.settings.speed, 10);
    await open();
    assert.equal(simulator.sim.connections.length, 1);
  });
});

describe('mounting on an existing server', () => {
  let server: Server;
  const simulator = createSimulator({ voice: false, speed: 10, setupDelayMs: 0 });
  let url = '';
  before(async () => {
    server = createServer((req, res) => {
      if (simulator.handleRequest(req, res)) return;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('page');
    });
    simulator.attach(server);
    server.on('upgrade', (req, socket) => {
      if (req.url === '/other') socket.end('HTTP/1.1 418 Teapot\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await simulator.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('pages, the control route and Live sockets share one origin', async () => {
    assert.equal(await (await fetch(`${url}/index.html`)).text(), 'page');
    assert.equal((await fetch(`${url}/__sim/health`)).status, 200);
    const client = await connect({ url } as Sim, { model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT] } });
    client.session.sendRealtimeInput({ text: 'hi' });
    await client.waitFor(turnComplete);
    assert.equal(simulator.connections.length, 1);
    client.session.close();
  });
});
