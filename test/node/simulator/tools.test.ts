import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Modality, Type, type LiveConnectConfig, type LiveServerMessage } from '@google/genai';
import { TEXT_MODEL, concat, sendAudio, silence, speech, turnComplete, useTestSimulator } from './helpers.js';

const toolCall = (m: LiveServerMessage) => !!m.toolCall;

const TOOLS: LiveConnectConfig = {
  responseModalities: [Modality.AUDIO],
  outputAudioTranscription: {},
  tools: [
    {
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, days: { type: Type.INTEGER } } },
        },
        { name: 'lights_off', description: 'Turn the lights off' },
      ],
    },
  ],
};

describe('tool calls', () => {
  const simulator = useTestSimulator();
  const open = (config: LiveConnectConfig = TOOLS, model?: string) => simulator.open({ config, model });

  test('a text turn naming a function: toolCall → toolResponse → spoken result', async () => {
    const client = await open();
    client.session.sendClientContent({ turns: 'Please call get_weather with city Paris and days 2', turnComplete: true });
    const call = (await client.waitFor(toolCall)).toolCall!.functionCalls![0];
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.args, { city: 'Paris', days: 2 });
    assert.match(call.id ?? '', /^fc-[0-9a-f]+$/);
    assert.ok(!client.kinds().includes('turnComplete'), 'the turn waits for the response');

    const from = client.messages.length;
    client.session.sendToolResponse({
      functionResponses: [{ id: call.id, name: call.name, response: { result: { temperature: 21, sky: 'sunny' } } }],
    });
    await client.waitFor(turnComplete, { from });
    assert.match(client.transcript(from), /get_weather returned temperature 21, sky sunny\./);
    assert.deepEqual(client.kinds(from).slice(-2), ['generationComplete', 'turnComplete']);

    const record = simulator.sim.control.latest();
    assert.deepEqual(record.toolCalls.map((c) => [c.name, c.status]), [['get_weather', 'answered']]);
    assert.equal(record.toolResponses.length, 1);
    assert.equal(record.toolResponses[0].matched, true);
  });

  test('ids are unique; a response to an unknown id is recorded and ignored', async () => {
    const client = await open();
    client.session.sendRealtimeInput({ text: 'lights_off' });
    const first = (await client.waitFor(toolCall)).toolCall!.functionCalls![0];
    client.session.sendToolResponse({ functionResponses: [{ id: 'fc-unknown', name: 'lights_off', response: {} }] });
    client.session.sendToolResponse({ functionResponses: [{ id: first.id, name: 'lights_off', response: { output: 'done' } }] });
    await client.waitFor(turnComplete);
    assert.match(client.transcript(), /lights_off returned done\./);
    client.session.sendRealtimeInput({ text: 'lights_off again' });
    const from = client.messages.length;
    const second = (await client.waitFor(toolCall, { from })).toolCall!.functionCalls![0];
    assert.notEqual(second.id, first.id);
    const record = simulator.sim.control.latest();
    assert.deepEqual(record.toolResponses.map((r) => r.matched), [false, true]);
  });

  test('interrupting before the response sends toolCallCancellation, then interrupted and turnComplete', async () => {
    const client = await open();
    client.session.sendClientContent({ turns: 'get_weather {"city": "Oslo"}', turnComplete: true });
    const call = (await client.waitFor(toolCall)).toolCall!.functionCalls![0];
    assert.deepEqual(call.args, { city: 'Oslo' });
    sendAudio(client.session, concat(speech(400), silence(700)));
    const cancellation = await client.waitFor((m) => !!m.toolCallCancellation);
    assert.deepEqual(cancellation.toolCallCancellation!.ids, [call.id]);
    const kinds = client.kinds();
    const at = kinds.indexOf('toolCallCancellation');
    assert.deepEqual(kinds.slice(at, at + 3), ['toolCallCancellation', 'interrupted', 'turnComplete']);
    assert.equal(simulator.sim.control.latest().toolCalls[0].status, 'cancelled');
    // A late response is ignored; the interrupting speech gets its own answer.
    client.session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: { result: 'late' } }] });
    await client.waitFor(turnComplete, { from: at + 3 });
    assert.doesNotMatch(client.transcript(), /returned late/);
  });

  test('the control API makes the next tool-capable audio turn call a tool', async () => {
    const client = await open();
    await simulator.sim.control.callTool({ name: 'get_weather', args: { city: 'Lima' } });
    sendAudio(client.session, concat(speech(500), silence(700)));
    const call = (await client.waitFor(toolCall)).toolCall!.functionCalls![0];
    assert.deepEqual([call.name, call.args], ['get_weather', { city: 'Lima' }]);
    client.session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: { result: 'rain' } }] });
    await client.waitFor(turnComplete);
    assert.match(client.transcript(), /get_weather returned rain\./);
  });

  test('a forced call without a name uses the first declared function with example arguments; sessions without tools are skipped', async () => {
    const plain = await open({ responseModalities: [Modality.TEXT] }, TEXT_MODEL);
    await simulator.sim.control.callTool();
    plain.session.sendRealtimeInput({ text: 'hello' });
    await plain.waitFor(turnComplete);
    assert.ok(!plain.kinds().includes('toolCall'), 'no tools declared: not tool-capable');

    const client = await open();
    client.session.sendRealtimeInput({ text: 'hello' });
    const call = (await client.waitFor(toolCall)).toolCall!.functionCalls![0];
    assert.deepEqual([call.name, call.args], ['get_weather', { city: 'example', days: 1 }]);
  });

  test('a simulated user turn (no audio at all) triggers a forced call, then an answer about its length', async () => {
    const client = await open();
    await simulator.sim.control.callTool({ name: 'lights_off' });
    await simulator.sim.control.userTurn({ seconds: 2 });
    const call = (await client.waitFor(toolCall)).toolCall!.functionCalls![0];
    assert.equal(call.name, 'lights_off');
    client.session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: { result: 'ok' } }] });
    await client.waitFor(turnComplete);
    const from = client.messages.length;
    await simulator.sim.control.userTurn({ seconds: 2 });
    await client.waitFor(turnComplete, { from });
    assert.match(client.transcript(from), /I heard about two seconds of speech\./);
    assert.deepEqual(simulator.sim.control.latest().activity.map((a) => a.type), ['simulatedSpeech', 'simulatedSpeech']);
    assert.equal(simulator.sim.control.latest().audio.chunks, 0);
  });

  test('callTool targeted at a connection', async () => {
    const client = await open();
    const { applied } = await simulator.sim.control.callTool({ target: simulator.sim.control.latest().id, name: 'lights_off' });
    assert.deepEqual(applied, [simulator.sim.control.latest().id]);
    client.session.sendRealtimeInput({ text: 'anything' });
    const call = (await client.waitFor(toolCall)).toolCall!.functionCalls![0];
    assert.equal(call.name, 'lights_off');
  });
});
