import { expect } from '@open-wc/testing';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import { connectionsOf, createSession, lastModelText, pipelineInWorkerOf, recordVoice, type SessionProbe } from '../../support/session.js';
import type { LiveTool } from '../../../src/live/types.js';

const LIVE = 'gemini-3.8-live';

describe('LiveSession on the Live API of late 2026', () => {
  let probe: SessionProbe | undefined;

  const connections = () => connectionsOf(probe);
  const latest = async () => {
    const list = await connections();
    return list[list.length - 1];
  };
  /** The newest connection's record once a tool response reached it. */
  const answered = () =>
    waitFor(async () => {
      const record = await latest();
      return record.toolResponses.length > 0 ? record : undefined;
    }, { message: 'the tool response' });

  beforeEach(() => resetSimulator({ speed: 4 }));
  afterEach(async () => {
    await probe?.session.dispose();
    probe = undefined;
  });

  it('sends gemini-3.8-live only what it takes, and tools as API schemas', async () => {
    probe = createSession({
      model: LIVE,
      language: 'de-DE',
      voice: 'Kore',
      config: { proactivity: { proactiveAudio: false }, enableAffectiveDialog: true },
      tools: [
        {
          name: 'book_table',
          description: 'Books a table',
          parameters: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            type: 'object',
            additionalProperties: false,
            properties: { guests: { type: 'integer', minimum: 1 }, note: { type: ['string', 'null'] } },
            required: ['guests'],
          },
          behavior: 'blocking',
          handler: () => 'booked',
        },
      ],
    });
    await probe.session.start();
    const { setup } = await latest();
    expect(setup!.model).to.equal(`models/${LIVE}`);
    expect(setup!.generationConfig).to.deep.equal({
      responseModalities: ['AUDIO'],
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
    });
    expect(setup).to.not.have.property('proactivity');
    expect(setup!.tools[0].functionDeclarations[0]).to.deep.equal({
      name: 'book_table',
      description: 'Books a table',
      parameters: {
        type: 'OBJECT',
        properties: { guests: { type: 'INTEGER', minimum: 1 }, note: { type: 'STRING', nullable: true } },
        required: ['guests'],
      },
      behavior: 'BLOCKING',
    });
  });

  it('a tool schema that cannot be converted is config-invalid naming the tool', async () => {
    probe = createSession({
      model: LIVE,
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: { a: { $ref: '#/$defs/a' } } }, handler: () => null }],
    });
    const error = await probe.session.start().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).to.be.instanceOf(Error);
    expect(probe.errors[0]).to.include({ code: 'config-invalid', recoverable: false });
    expect(probe.errors[0].message).to.contain('"lookup"');
  });

  for (const [where, socketWorker] of [
    ['in the socket worker', true],
    ['on the page', false],
  ] as const) {
    it(`text mode on an audio-only model: AUDIO plus transcription, never played, shown as the model turn (pipeline ${where})`, async () => {
      probe = createSession({ model: LIVE, responseModality: 'text', transcription: 'input', socketWorker });
      await probe.session.start();
      expect(await pipelineInWorkerOf(probe)).to.equal(socketWorker);
      const { setup } = await latest();
      expect(setup!.generationConfig.responseModalities).to.deep.equal(['AUDIO']);
      expect(setup!.outputAudioTranscription).to.deep.equal({});
      const voice = await recordVoice(probe);
      probe.session.sendText('Hello');
      await waitFor(() => lastModelText(probe!.transcript), { message: 'a model answer' });
      await probe.reach('listening', 8000);
      const rms = voice.rms();
      voice.stop();
      expect(lastModelText(probe.transcript)).to.equal('Hi, this is the offline Gemini Live simulator. You said: Hello.');
      expect(probe.states).to.include('speaking');
      // The answer's audio was dropped by the pipeline: nothing reached the playback worklet.
      expect(rms.length, 'recorded through the answer').to.be.greaterThan(20);
      expect(Math.max(...rms)).to.equal(0);
      expect(probe.session.meter.outputLevel).to.equal(0);
    });
  }

  it('typed text goes out as realtimeInput.text and shows as a user turn at once', async () => {
    probe = createSession({ model: LIVE });
    await probe.session.start();
    probe.session.sendText('What time is it?');
    expect(probe.transcript.snapshot[0]).to.include({ role: 'user', text: 'What time is it?', final: true });
    await waitFor(async () => (await latest()).texts.length > 0, { message: 'the text at the simulator' });
    expect((await latest()).texts.map((entry) => [entry.via, entry.text])).to.deep.equal([['realtimeInput', 'What time is it?']]);
  });

  it('late, fragmented input transcription goes into the user turn before the answer', async () => {
    probe = createSession({ model: LIVE });
    await probe.session.start();
    await control({ action: 'userTurn', seconds: 1.5 });
    await waitFor(() => lastModelText(probe!.transcript), { message: 'a model answer' });
    const turns = probe.transcript.snapshot.map((turn) => [turn.role, turn.text, turn.final]);
    expect(turns).to.deep.equal([
      ['user', '(speech, 1.5 s)', true],
      ['model', 'Hi, this is the offline Gemini Live simulator. I heard about two seconds of speech.', true],
    ]);
  });

  it('interim input transcription is the user\'s partial caption; usage-only messages leave the turns alone', async () => {
    probe = createSession({ model: LIVE });
    await probe.session.start();
    await control({ action: 'send', message: { serverContent: { interimInputTranscription: { text: 'Is it rai' } } } });
    await waitFor(() => probe!.transcript.snapshot[0]?.text === 'Is it rai', { message: 'the partial caption' });
    expect(probe.transcript.snapshot[0]).to.include({ role: 'user', final: false });
    await control({ action: 'send', message: { serverContent: { inputTranscription: { text: 'Is it raining?', finished: true } } } });
    await waitFor(() => probe!.transcript.snapshot[0]?.final, { message: 'the finished caption' });
    expect(probe.transcript.snapshot[0].text).to.equal('Is it raining?');
    const before = probe.transcript.snapshot;
    // Vertex's names arrive as the Gemini API's.
    await control({ action: 'send', message: { usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 } } });
    await waitFor(() => probe!.usage.length > 0, { message: 'usage' });
    expect(probe.usage[0]).to.deep.equal({ promptTokenCount: 7, responseTokenCount: 3, totalTokenCount: 10 });
    expect(probe.transcript.snapshot).to.equal(before);
  });

  it('a turnCompleteReason other than a normal end is noted on the model turn; waitingForInput is harmless', async () => {
    probe = createSession({ model: LIVE });
    await probe.session.start();
    await control({ action: 'turn', text: 'I cannot help with that.', turnCompleteReason: 'PROHIBITED_INPUT_CONTENT', waitingForInput: true, wait: true });
    // The caption is final with its last (`finished`) piece; the reason comes with turnComplete after it.
    const turn = await waitFor(() => probe!.transcript.snapshot.find((candidate) => candidate.role === 'model' && candidate.endReason), {
      message: 'the end reason',
    });
    expect(turn.endReason).to.equal('PROHIBITED_INPUT_CONTENT');
    expect(turn.text).to.equal('I cannot help with that.');
    expect(probe.errors).to.deep.equal([]);
  });

  describe('tools on gemini-3.8-live', () => {
    /** Interruptions seen when the handler ran: the call arrived while the model spoke. */
    let interruptionsAtCall = -1;
    const weather = (scheduling?: LiveTool['scheduling'], behavior?: LiveTool['behavior']): LiveTool => ({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      handler: ({ city }) => {
        interruptionsAtCall = probe!.interruptions;
        return `sunny in ${String(city)}`;
      },
      ...(scheduling ? { scheduling } : {}),
      ...(behavior ? { behavior } : {}),
    });

    for (const [scheduling, wire] of [
      [undefined, 'WHEN_IDLE'],
      ['interrupt', 'INTERRUPT'],
      ['silent', 'SILENT'],
    ] as const) {
      it(`a non-blocking call is answered with scheduling ${wire}, without cutting off the speech around it`, async () => {
        probe = createSession({ model: LIVE, tools: [weather(scheduling)] });
        await probe.session.start();
        probe.session.sendText('call get_weather with city Paris');
        const record = await answered();
        expect(record.toolResponses[0].functionResponses).to.deep.equal([
          { id: record.toolCalls[0].id, name: 'get_weather', response: { result: 'sunny in Paris', scheduling: wire } },
        ]);
        // The call came while the model spoke its filler, and playback went on (INTERRUPT cuts in only with
        // the result, later).
        expect(interruptionsAtCall).to.equal(0);
        expect(probe.states).to.include('speaking');
      });
    }

    it('a blocking tool is answered without scheduling', async () => {
      probe = createSession({ model: LIVE, tools: [weather('interrupt', 'blocking')] });
      await probe.session.start();
      probe.session.sendText('call get_weather with city Oslo');
      const record = await answered();
      expect(record.toolResponses[0].functionResponses[0].response).to.deep.equal({ result: 'sunny in Oslo' });
    });

    it('respond() on the tool-call event takes a scheduling', async () => {
      probe = createSession({ model: LIVE, tools: [{ ...weather(), handler: undefined } as unknown as LiveTool] }, (call) => {
        call.respond('cloudy', { scheduling: 'silent' });
        return true;
      });
      await probe.session.start();
      probe.session.sendText('call get_weather with city Rome');
      const record = await answered();
      expect(record.toolResponses[0].functionResponses[0].response).to.deep.equal({ result: 'cloudy', scheduling: 'SILENT' });
    });
  });

  describe('closes by code and reason', () => {
    it('1007 for anything but credentials is invalid-request with the reason, not retried', async () => {
      probe = createSession({ model: LIVE });
      await probe.session.start();
      const reason = 'Invalid JSON payload received. Unknown name "foo" at \'setup\': Cannot find field.';
      await control({ action: 'close', code: 1007, reason });
      await probe.reach('error');
      expect(probe.errors).to.have.length(1);
      expect(probe.errors[0]).to.include({ code: 'invalid-request', recoverable: false });
      expect(probe.errors[0].message).to.contain(reason);
      expect(await connections()).to.have.length(1);
    });

    it('a quota refusal at setup is reported once and not retried', async () => {
      await control({ action: 'quota', target: 'next' });
      probe = createSession({ model: LIVE });
      await probe.session.start().catch(() => undefined);
      expect(probe.errors.map((error) => error.code)).to.deep.equal(['quota-exceeded']);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await connections()).to.have.length(1);
    });

    it('a quota close mid-session is reported once and not retried', async () => {
      probe = createSession({ model: LIVE });
      await probe.session.start();
      await control({ action: 'close', code: 1011, reason: 'RESOURCE_EXHAUSTED: too many concurrent sessions' });
      await probe.reach('error');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(probe.errors.map((error) => error.code)).to.deep.equal(['quota-exceeded']);
      expect(await connections()).to.have.length(1);
    });

    for (const [label, close] of [
      ['1011 "Deadline expired…"', { code: 1011, reason: 'Deadline expired before operation could complete.' }],
      ['Vertex\'s 1000 "The operation was cancelled."', { code: 1000, reason: 'The operation was cancelled.' }],
    ] as const) {
      it(`the end of a connection's life (${label}) resumes with the newest handle, no error shown`, async () => {
        probe = createSession({ model: LIVE });
        await probe.session.start();
        const [first] = await connections();
        const handle = first.session.handlesIssued.at(-1);
        await control({ action: 'close', ...close });
        await waitFor(async () => (await connections()).length === 2 && probe!.session.state === 'listening', { message: 'the resumed connection' });
        const [, second] = await connections();
        expect(second.setup!.sessionResumption).to.deep.equal({ handle });
        expect(probe.errors).to.deep.equal([]);
      });
    }

    it('a close with any code after a goAway resumes', async () => {
      probe = createSession({ model: LIVE });
      await probe.session.start();
      await control({ action: 'goAway', timeLeftMs: 5000, close: false });
      await control({ action: 'close', code: 1008, reason: 'Policy violation' });
      await waitFor(async () => (await connections()).length === 2 && probe!.session.state === 'listening', { message: 'the resumed connection' });
      expect(probe.errors).to.deep.equal([]);
    });
  });

  describe('mid-session updates', () => {
    it('gemini-3.8-live takes tools and system instruction with sendContextUpdate', async () => {
      probe = createSession({ model: LIVE });
      await probe.session.start();
      probe.session.updateContext({ systemInstruction: 'Answer in French.', tools: [{ name: 'ping', handler: () => 'pong' }] });
      const record = await waitFor(async () => {
        const r = await latest();
        return (r.contextUpdates as unknown[]).length > 0 ? r : undefined;
      }, { message: 'the context update' });
      expect(record.contextUpdates).to.have.length(1);
      expect((record.contextUpdates as Array<{ update: unknown }>)[0].update).to.deep.equal({
        systemInstruction: { parts: [{ text: 'Answer in French.' }], role: 'user' },
        tools: { tools: [{ functionDeclarations: [{ name: 'ping' }] }] },
      });
      expect(await connections()).to.have.length(1);
    });

    it('a model without context updates gets the change at the next connection', async () => {
      probe = createSession({ model: 'gemini-2.5-flash-native-audio-latest' });
      await probe.session.start();
      probe.session.updateContext({ systemInstruction: 'Answer in French.' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await latest()).close).to.equal(null);
      await control({ action: 'close', code: 1011, reason: 'Internal error encountered.' });
      await waitFor(async () => (await connections()).length === 2 && probe!.session.state === 'listening', { message: 'the next connection' });
      expect((await latest()).setup!.systemInstruction.parts[0].text).to.equal('Answer in French.');
    });
  });
});
