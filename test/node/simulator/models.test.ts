import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Behavior, GoogleGenAI, Modality, Type, type FunctionDeclaration, type LiveConnectConfig, type LiveServerMessage } from '@google/genai';
import { KNOWN_MODELS } from '../../../demo/simulator/index.js';
import { LIVE_MODEL, MODEL, connectExpectingClose, connectWith, rawSocket, turnComplete, useTestSimulator } from './helpers.js';

const toolCall = (m: LiveServerMessage) => !!m.toolCall;
const NOT_TEXT = 'Request contains an invalid argument. The requested response modalities (TEXT) is not supported by this model.';

const WEATHER: FunctionDeclaration = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } },
};

describe('models as the service serves them in late 2026', () => {
  const simulator = useTestSimulator();
  const refusal = async (model: string, config: LiveConnectConfig) => (await connectExpectingClose(simulator.sim, { model, config })).close;

  test('serves the current ids and refuses the shut-down ones as not found', async () => {
    for (const id of ['gemini-3.8-live', 'gemini-3.8-live-extended-thinking', 'gemini-3.1-flash-live-preview', 'gemini-2.5-flash-native-audio-latest']) {
      assert.ok(KNOWN_MODELS.includes(id), id);
    }
    for (const id of ['gemini-2.0-flash-live-001', 'gemini-live-2.5-flash-preview']) {
      const close = await refusal(id, {});
      assert.equal(close?.code, 1008);
      assert.equal(close?.reason, `models/${id} is not found for API version v1beta, or is not supported for bidiGenerateContent.`);
    }
  });

  test('TEXT is refused: 1007 on 3.8 and 2.5, 1011 on 3.1', async () => {
    assert.deepEqual(await refusal(LIVE_MODEL, { responseModalities: [Modality.TEXT] }), { code: 1007, reason: NOT_TEXT });
    assert.deepEqual(await refusal(MODEL, { responseModalities: [Modality.TEXT] }), { code: 1007, reason: NOT_TEXT });
    assert.equal((await refusal('gemini-3.1-flash-live-preview', { responseModalities: [Modality.TEXT] }))?.code, 1011);
  });

  test('3.8: proactive audio cannot be turned off; affective dialog is an unknown field', async () => {
    const proactive = await refusal(LIVE_MODEL, { proactivity: { proactiveAudio: false } });
    assert.equal(proactive?.code, 1007);
    assert.match(proactive?.reason ?? '', /Proactive audio cannot be turned off/);
    const affective = await refusal(LIVE_MODEL, { enableAffectiveDialog: true });
    assert.deepEqual(affective, {
      code: 1007,
      reason: 'Invalid JSON payload received. Unknown name "enableAffectiveDialog" at \'setup.generation_config\': Cannot find field.',
    });
    // Both are fine on 2.5.
    const older = await simulator.open({ model: MODEL, config: { proactivity: { proactiveAudio: false }, enableAffectiveDialog: true } });
    assert.ok(older.session);
  });

  test('3.x refuses additionalProperties in function parameters; 2.5 takes it', async () => {
    const setup = (model: string) => ({
      setup: {
        model: `models/${model}`,
        tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { a: { type: 'STRING' } }, additionalProperties: false } }] }],
      },
    });
    const strict = rawSocket(simulator.sim);
    await strict.opened;
    strict.ws.send(JSON.stringify(setup(LIVE_MODEL)));
    const closed = await strict.closed;
    assert.equal(closed.code, 1007);
    assert.match(closed.reason, /^Invalid JSON payload received\. Unknown name "additionalProperties" at 'setup\.tools\[0\]\.function_declarations\[0\]\.parameters/);

    const lenient = rawSocket(simulator.sim);
    await lenient.opened;
    lenient.ws.send(JSON.stringify(setup(MODEL)));
    await simulator.sim.control.waitFor(() => lenient.frames.length > 0);
    assert.deepEqual(JSON.parse(lenient.frames[0].data.toString()), { setupComplete: {} });
    lenient.ws.close();
  });

  test('parametersJsonSchema is ignored: the function is called with empty arguments', async () => {
    const client = await simulator.open({
      model: MODEL,
      config: { tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: WEATHER.parameters }] }] },
    });
    client.session.sendRealtimeInput({ text: 'call get_weather with city Paris' });
    assert.deepEqual((await client.waitFor(toolCall)).toolCall!.functionCalls![0].args, {});
    assert.ok(simulator.sim.control.latest().notes.some((note) => /parametersJsonSchema is ignored/.test(note)));
  });

  test('a context update is taken by 3.8 and refused by 2.5', async () => {
    const live = await simulator.open({ model: LIVE_MODEL });
    live.session.sendContextUpdate({ systemInstruction: 'Be brief.', tools: { tools: [{ functionDeclarations: [WEATHER] }] } });
    await simulator.sim.control.waitFor(() => simulator.sim.control.latest().contextUpdates.length === 1);
    live.session.sendRealtimeInput({ text: 'get_weather for city Rome' });
    assert.equal((await live.waitFor(toolCall)).toolCall!.functionCalls![0].name, 'get_weather');

    const older = await simulator.open({ model: MODEL });
    older.session.sendContextUpdate({ systemInstruction: 'Be brief.' });
    assert.deepEqual(await older.closed, { code: 1007, reason: 'Invalid JSON payload received. Unknown name "contextUpdate": Cannot find field.' });
  });

  test('3.8 puts audio and its transcription in one message and usage in a message of its own', async () => {
    const client = await simulator.open({ model: LIVE_MODEL, config: { outputAudioTranscription: {} } });
    client.session.sendRealtimeInput({ text: 'Hello' });
    await client.waitFor((m) => !!m.usageMetadata);
    assert.ok(client.messages.some((m) => m.serverContent?.modelTurn?.parts?.[0]?.inlineData && m.serverContent.outputTranscription));
    const done = client.messages.findIndex(turnComplete);
    assert.equal(client.messages[done].usageMetadata, undefined);
    assert.deepEqual(Object.keys(client.messages[done + 1]), ['usageMetadata']);
    const pieces = client.messages.flatMap((m) => (m.serverContent?.outputTranscription ? [m.serverContent.outputTranscription] : []));
    assert.equal(pieces.map((piece) => piece.text).join(''), 'Hi, this is the offline Gemini Live simulator. You said: Hello.');
    assert.equal(pieces.at(-1)?.finished, true);
  });

  test('input transcription before the answer when the control API says so', async () => {
    await simulator.sim.control.configure({ inputTranscriptionOrder: 'before-audio' });
    const client = await simulator.open({ model: LIVE_MODEL, config: { inputAudioTranscription: {} } });
    await simulator.sim.control.userTurn({ seconds: 1 });
    await client.waitFor(turnComplete);
    const kinds = client.messages.map((m) => (m.serverContent?.inputTranscription ? 'input' : m.serverContent?.modelTurn ? 'audio' : 'other'));
    assert.ok(kinds.lastIndexOf('input') < kinds.indexOf('audio'));
  });

  test('a quota refusal and a turnCompleteReason from the control API', async () => {
    await simulator.sim.control.quota({ target: 'next' });
    assert.deepEqual(await refusal(LIVE_MODEL, {}), {
      code: 1011,
      reason: 'You exceeded your current quota, please check your plan and billing details.',
    });
    const client = await simulator.open({ model: LIVE_MODEL });
    await simulator.sim.control.turn({ audioSeconds: 0.2, turnCompleteReason: 'PROHIBITED_INPUT_CONTENT', waitingForInput: true, wait: true });
    const done = await client.waitFor(turnComplete);
    assert.equal(done.serverContent?.turnCompleteReason, 'PROHIBITED_INPUT_CONTENT');
    assert.equal(done.serverContent?.waitingForInput, true);
  });

  test('tokens locked to a current model open sessions on it', async () => {
    const minter = new GoogleGenAI({ apiKey: 'sim-key', httpOptions: { baseUrl: simulator.sim.url, apiVersion: 'v1alpha' } });
    const token = await minter.authTokens.create({ config: { uses: 1, liveConnectConstraints: { model: LIVE_MODEL } } });
    const client = new GoogleGenAI({ apiKey: token.name!, httpOptions: { baseUrl: simulator.sim.url, apiVersion: 'v1alpha' } });
    const opened = await connectWith(client, { model: LIVE_MODEL });
    assert.equal(simulator.sim.control.latest().model, LIVE_MODEL);
    opened.session.close();
  });
});

describe('non-blocking function calls on 3.8', () => {
  const simulator = useTestSimulator();
  const open = (behavior?: Behavior) =>
    simulator.open({
      model: LIVE_MODEL,
      config: { outputAudioTranscription: {}, tools: [{ functionDeclarations: [{ ...WEATHER, ...(behavior ? { behavior } : {}) }] }] },
    });

  /** Asks for the weather and returns the call, which arrives while the model is still speaking. */
  const ask = async (client: Awaited<ReturnType<typeof open>>) => {
    client.session.sendRealtimeInput({ text: 'call get_weather with city Paris' });
    const message = await client.waitFor(toolCall);
    const at = client.messages.indexOf(message);
    assert.ok(client.messages.slice(0, at).some((m) => m.serverContent?.modelTurn), 'the model speaks before the call');
    assert.ok(!client.messages.slice(0, at).some(turnComplete), 'the call comes while it speaks');
    return { call: message.toolCall!.functionCalls![0], at };
  };

  test('WHEN_IDLE: the result is spoken after the current answer ends', async () => {
    const client = await open();
    const { call } = await ask(client);
    assert.deepEqual(call.args, { city: 'Paris' });
    client.session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: { result: 'sunny', scheduling: 'WHEN_IDLE' } }] });
    const first = client.messages.indexOf(await client.waitFor(turnComplete));
    await client.waitFor(turnComplete, { from: first + 1 });
    assert.ok(!client.messages.some((m) => m.serverContent?.interrupted));
    assert.match(client.transcript(), /running get weather in the background.*get_weather returned sunny\./);
    const entry = simulator.sim.control.latest().toolCalls[0];
    assert.deepEqual([entry.behavior, entry.status, entry.scheduling], ['non-blocking', 'answered', 'WHEN_IDLE']);
  });

  test('INTERRUPT: the result cuts into the answer in progress', async () => {
    const client = await open();
    const { call, at } = await ask(client);
    client.session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: { result: 'rain', scheduling: 'INTERRUPT' } }] });
    const interrupted = client.messages.indexOf(await client.waitFor((m) => !!m.serverContent?.interrupted, { from: at }));
    // The interrupted turn's own turnComplete, then the turn that speaks the result.
    const cut = client.messages.indexOf(await client.waitFor(turnComplete, { from: interrupted }));
    await client.waitFor(turnComplete, { from: cut + 1 });
    assert.match(client.transcript(cut), /get_weather returned rain\./);
  });

  test('SILENT: the result is taken without a word', async () => {
    const client = await open();
    const { call } = await ask(client);
    await client.waitFor(turnComplete);
    const from = client.messages.length;
    client.session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: { result: 'fog', scheduling: 'SILENT' } }] });
    await simulator.sim.control.waitFor(() => simulator.sim.control.latest().toolCalls[0].status === 'answered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(!client.messages.slice(from).some((m) => m.serverContent?.modelTurn));
  });

  test('behavior BLOCKING makes the model wait for the result', async () => {
    const client = await open(Behavior.BLOCKING);
    client.session.sendRealtimeInput({ text: 'call get_weather with city Oslo' });
    const message = await client.waitFor(toolCall);
    assert.ok(!client.messages.slice(0, client.messages.indexOf(message)).some((m) => m.serverContent?.modelTurn));
    assert.equal(simulator.sim.control.latest().toolCalls[0].behavior, 'blocking');
  });
});
