import { expect } from '@open-wc/testing';
import { control, openConnectionCount, resetSimulator, waitFor } from '../../support/simulator.js';
import { SIM_MODEL, connectionsOf, createSession, inBothPipelines, audioCoverage, inside, lastModelText, newestHandle, recordVoice, type SessionProbe } from '../../support/session.js';
import { recordUserMedia } from '../../support/media.js';

inBothPipelines('LiveSession against the simulator', () => {
  let probe: SessionProbe | undefined;

  /** This test's connections, oldest first. */
  const connections = () => connectionsOf(probe);

  // The model answers four times faster than real time (its audio arrives sooner and still plays as long): most
  // tests here wait for answers, not for their pace. Tests that weigh microphone audio against the wall clock, or
  // interrupt an answer still arriving, go back to real time (`realTime()`).
  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
  });
  const realTime = () => control({ action: 'configure', options: { speed: 1 } });

  afterEach(async () => {
    await probe?.session.dispose();
    probe = undefined;
  });

  it('connects with a fresh ephemeral token and sends every configured setup field', async () => {
    probe = createSession({
      voice: 'Kore',
      language: 'en-US',
      systemInstruction: 'Be brief.',
      googleSearch: true,
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          handler: () => 'sunny',
        },
      ],
    });
    await probe.session.start();
    expect(probe.session.state).to.equal('listening');
    const [record] = await connections();
    expect(record.auth).to.include({ kind: 'token', ok: true });
    expect(record.auth.credential).to.equal(probe.tokens[0]);
    expect(record.url).to.contain('v1alpha');
    const setup = record.setup!;
    expect(setup.model).to.equal(`models/${SIM_MODEL}`);
    expect(setup.generationConfig.responseModalities).to.deep.equal(['AUDIO']);
    // Native-audio models choose the spoken language themselves: languageCode is not sent.
    expect(setup.generationConfig.speechConfig).to.deep.equal({ voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } });
    expect(setup.systemInstruction.parts[0].text).to.equal('Be brief.');
    expect(setup.tools[0].functionDeclarations[0]).to.deep.equal({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
    });
    expect(setup.tools[1]).to.deep.equal({ googleSearch: {} });
    expect(setup.inputAudioTranscription).to.deep.equal({});
    expect(setup.outputAudioTranscription).to.deep.equal({});
    expect(setup.sessionResumption).to.deep.equal({});
    expect(setup.contextWindowCompression).to.deep.equal({ slidingWindow: {} });
  });

  it('sends microphone audio as 16 kHz PCM once connected', async () => {
    probe = createSession({ chunkMs: 40 });
    await probe.session.start();
    const record = await waitFor(async () => {
      const [r] = await connections();
      return r.audio.seconds >= 0.5 ? r : undefined;
    });
    expect(record.audio.mimeTypes).to.deep.equal(['audio/pcm;rate=16000']);
    // 40 ms of 16 kHz PCM16 is 1280 bytes per message.
    expect(record.audio.bytes / record.audio.chunks).to.be.closeTo(1280, 1);
  });

  it('answers a text turn, in the transcript, with usage', async () => {
    probe = createSession();
    await probe.session.start();
    probe.session.sendText('Hello there');
    await waitFor(() => lastModelText(probe!.transcript), { message: 'a model answer' });
    const turns = probe.transcript.snapshot;
    expect(turns[0]).to.include({ role: 'user', text: 'Hello there', final: true });
    expect(lastModelText(probe.transcript)).to.match(/hello there/i);
    await waitFor(() => probe!.usage.length > 0, { message: 'usage' });
    expect(probe.usage[0].totalTokenCount).to.be.a('number');
    const [record] = await connections();
    expect(record.texts.map((t) => t.text)).to.include('Hello there');
    expect(probe.states).to.include('speaking');
  });

  it('asks a model it does not know for TEXT, as the attributes say, and shows its text parts', async () => {
    // The simulator's own text-answering model: no current Live model answers in TEXT.
    probe = createSession({ model: 'simulator-text-live', responseModality: 'text' });
    await probe.session.start();
    probe.session.sendText('Write something');
    await waitFor(() => lastModelText(probe!.transcript), { message: 'a text answer' });
    expect(lastModelText(probe.transcript)).to.match(/write something/i);
    const [record] = await connections();
    expect(record.setup!.generationConfig.responseModalities).to.deep.equal(['TEXT']);
  });

  it('runs a tool handler and sends its result back with the call id', async () => {
    const seen: Array<Record<string, unknown>> = [];
    probe = createSession({
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          handler: async (args) => {
            seen.push(args);
            return { forecast: 'sunny', city: args.city };
          },
        },
      ],
    });
    await probe.session.start();
    probe.session.sendText('call get_weather with city Paris');
    await waitFor(async () => (await connections())[0].toolResponses.length > 0, { message: 'a tool response' });
    expect(seen).to.deep.equal([{ city: 'Paris' }]);
    const [record] = await connections();
    const [call] = record.toolCalls;
    expect(record.toolResponses[0].matched).to.be.true;
    expect(record.toolResponses[0].functionResponses).to.deep.equal([
      { id: call.id, name: 'get_weather', response: { result: { forecast: 'sunny', city: 'Paris' } } },
    ]);
    await waitFor(() => /sunny/.test(lastModelText(probe!.transcript) ?? ''), { message: 'the result spoken' });
  });

  it('hands calls without a handler to the page, and aborts handlers the model cancels', async () => {
    let aborted = false;
    probe = createSession(
      {
        tools: [
          {
            name: 'slow_lookup',
            description: 'Never finishes',
            handler: (_args, { signal }) =>
              new Promise((_resolve, reject) => {
                signal.addEventListener('abort', () => {
                  aborted = true;
                  reject(signal.reason);
                });
              }),
          },
          { name: 'page_fn', description: 'Handled by the page', handler: undefined as never },
        ],
      },
      (call) => {
        setTimeout(() => call.respond({ fromPage: true }), 50);
        return true;
      },
    );
    await probe.session.start();
    probe.session.sendText('call page_fn');
    await waitFor(async () => (await connections())[0].toolResponses.length > 0, { message: 'the page response' });
    expect(probe.toolCalls.map((c) => c.name)).to.deep.equal(['page_fn']);
    let [record] = await connections();
    expect(record.toolResponses[0].functionResponses[0].response).to.deep.equal({ result: { fromPage: true } });

    probe.session.sendText('call slow_lookup');
    await waitFor(async () => (await connections())[0].toolCalls.some((c) => c.name === 'slow_lookup'), { message: 'the slow call' });
    probe.session.sendText('never mind');
    await waitFor(() => aborted, { message: 'the handler aborted' });
    [record] = await connections();
    expect(record.toolCalls.find((c) => c.name === 'slow_lookup')!.status).to.equal('cancelled');
    expect(record.toolResponses).to.have.length(1);
  });

  it('silences the voice and marks the model turn on barge-in', async () => {
    // The answer must still be arriving when the visitor barges in.
    await realTime();
    probe = createSession();
    await probe.session.start();
    await control({ action: 'turn', text: 'This is a long answer that keeps going for quite a while so it can be cut off.', audioSeconds: 4 });
    await probe.reach('speaking');
    const voice = await recordVoice(probe);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // The service's voice activity detection heard the user: it interrupts the answer.
    await control({ action: 'interrupt' });
    await waitFor(() => probe!.interruptions > 0, { message: 'the interruption' });
    const seenTime = inside(probe).engine!.context.currentTime;
    // From 100 ms after the page heard of the interruption on, what is recorded is silence: the rest of the
    // 4 s answer was dropped (a generous bound for a busy machine; the offline worklet test pins the real figure).
    const from = Math.ceil((seenTime - voice.startedAt) * 100) + 10;
    await waitFor(() => voice.rms().length > from + 30, { message: 'recorded past the interruption' });
    const rms = voice.rms();
    voice.stop();
    // Over the whole stretch before the interruption: a loaded machine may start the recording a little early.
    const before = rms.slice(0, from - 10);
    expect(before.filter((level) => level > 0.01).length, 'the answer was heard before').to.be.greaterThan(Math.min(30, before.length / 2));
    expect(rms.slice(from).every((level) => level < 0.001), 'silent after the interruption').to.be.true;
    const interrupted = probe.transcript.snapshot.find((turn) => turn.interrupted);
    expect(interrupted?.role).to.equal('model');
    expect(interrupted?.final).to.be.true;
  });

  it('hands over on goAway to a new connection with the newest handle and a fresh token, without reconnecting state', async () => {
    probe = createSession();
    await probe.session.start();
    probe.session.sendText('First');
    await waitFor(() => lastModelText(probe!.transcript), { message: 'first answer' });
    await newestHandle(probe);
    await control({ action: 'goAway', timeLeftMs: 1500 });
    const second = await waitFor(
      async () => {
        const record = (await connections())[1];
        return record?.setup ? record : undefined;
      },
      { message: 'the successor set up' },
    );
    // The successor resumes with the newest handle the first connection issued, whenever it came.
    const newest = (await connections())[0].session.handlesIssued.at(-1);
    expect(second.setup!.sessionResumption).to.deep.equal({ handle: newest });
    await waitFor(async () => (await connections())[1].session.resumed, { message: 'resumed' });
    expect(new Set(probe.tokens).size).to.equal(2);
    expect(probe.states).to.not.include('reconnecting');
    // Audio keeps flowing on the successor.
    await waitFor(async () => (await connections())[1].audio.seconds > 0.3, { message: 'audio on the successor' });
    await waitFor(async () => (await openConnectionCount()) === 1, { message: 'the old connection closed' });
    // No microphone audio fell into a gap: the two connections together received about all of the time from the
    // first chunk to the latest.
    const { received, span } = await audioCoverage(probe);
    expect(received, `${received} s of audio over ${span} s`).to.be.greaterThan(span - 0.5);
    probe.session.sendText('Second');
    await waitFor(() => probe!.transcript.snapshot.filter((t) => t.role === 'model' && t.final).length >= 2, {
      message: 'an answer on the successor',
    });
  });

  it('reconnects after an abrupt drop with the handle, and delivers the audio captured meanwhile', async () => {
    await realTime();
    probe = createSession({ reconnectDelayMs: 1000 });
    await probe.session.start();
    probe.session.sendText('Remember me');
    await waitFor(() => lastModelText(probe!.transcript), { message: 'an answer' });
    const handle = await newestHandle(probe);
    // The first reconnection attempt fails, so audio piles up for a while (the second comes 1 s later).
    await control({ action: 'refuseNext' });
    const droppedAt = performance.now();
    await control({ action: 'drop' });
    await probe.reach('reconnecting', 3000);
    await probe.reach('listening', 8000);
    const gapSeconds = (performance.now() - droppedAt) / 1000;
    const records = await connections();
    const successor = records[records.length - 1];
    expect(successor.setup!.sessionResumption).to.deep.equal({ handle });
    expect(successor.session.resumed).to.be.true;
    // The audio captured during the gap reached the successor (its backlog): the connections together received
    // about all of the time from the first chunk to the latest. A gap over 0.8 s makes a lost backlog fail this.
    expect(gapSeconds).to.be.greaterThan(0.8);
    await waitFor(async () => (await connections()).at(-1)!.audio.seconds > gapSeconds, { message: 'the backlog' });
    const { received, span } = await audioCoverage(probe);
    expect(received, `${received} s of audio over ${span} s`).to.be.greaterThan(span - 0.5);
    expect(probe.transcript.snapshot[0].text).to.equal('Remember me');
    expect(probe.errors).to.deep.equal([]);
  });

  it('gives up with connection-lost when every reconnection fails', async () => {
    probe = createSession({ reconnectAttempts: 2, reconnectDelayMs: 50 });
    await probe.session.start();
    await control({ action: 'refuseNext' });
    await control({ action: 'refuseNext' });
    await control({ action: 'drop' });
    await probe.reach('error', 8000);
    expect(probe.errors.map((e) => e.code)).to.deep.equal(['connection-lost']);
    expect(probe.errors[0].recoverable).to.be.true;
  });

  it('times out a setup that never completes', async () => {
    probe = createSession({ setupTimeoutMs: 800 });
    await control({ action: 'stallNextSetup' });
    const started = performance.now();
    let error: unknown;
    await probe.session.start().catch((e: unknown) => (error = e));
    expect((error as { detail: { code: string } }).detail.code).to.equal('setup-timeout');
    expect(performance.now() - started).to.be.below(3000);
    expect(probe.errors.map((e) => e.code)).to.deep.equal(['setup-timeout']);
    await waitFor(async () => (await openConnectionCount()) === 0, { message: 'the stalled socket closed' });
  });

  it('classifies a bad key, an unknown model and a refusing server', async () => {
    const cases: Array<[Parameters<typeof createSession>[0], string]> = [
      [{ tokenProvider: undefined, apiKey: 'wrong-key' }, 'auth-failed'],
      [{ model: 'no-such-model' }, 'model-not-found'],
      [{ tokenProvider: async () => { throw new Error('backend down'); } }, 'token-failed'],
    ];
    for (const [overrides, code] of cases) {
      const local = createSession(overrides);
      const error = await local.session.start().then(
        () => undefined,
        (e: { detail: { code: string } }) => e,
      );
      expect(error?.detail.code, code).to.equal(code);
      expect(local.errors.map((e) => e.code)).to.deep.equal([code]);
      await local.session.dispose();
    }
  });

  it('reports server-closed when the server ends the conversation with a policy close', async () => {
    probe = createSession();
    await probe.session.start();
    await control({ action: 'close', code: 1008, reason: 'Policy violation' });
    await probe.reach('error');
    expect(probe.errors[0].code).to.equal('server-closed');
    expect(probe.errors[0].message).to.contain('Policy violation');
  });

  it('survives 200 malformed frames without a page error and keeps talking', async () => {
    const pageErrors: unknown[] = [];
    const onError = (event: ErrorEvent) => pageErrors.push(event.error ?? event.message);
    const onRejection = (event: PromiseRejectionEvent) => pageErrors.push(event.reason);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      probe = createSession();
      await probe.session.start();
      const kinds = ['nonJson', 'textFrame', 'truncated', 'wrongType', 'unknownMessage', 'array', 'empty', 'badAudio'];
      for (const kind of kinds) await control({ action: 'junk', kind, count: 24 });
      await control({ action: 'junk', kind: 'huge', count: 8, bytes: 5 * 1024 * 1024 });
      probe.session.sendText('Still there?');
      await waitFor(() => lastModelText(probe!.transcript), { message: 'an answer after the junk' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pageErrors).to.deep.equal([]);
      expect(probe.session.state).to.be.oneOf(['listening', 'speaking']);
    } finally {
      console.warn = warn;
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    }
  });

  it('keeps the handle in sessionStorage with resume, so a new page load continues the conversation', async () => {
    sessionStorage.clear();
    probe = createSession({ resume: true, resumeKey: 'test-resume' });
    await probe.session.start();
    probe.session.sendText('Before the reload');
    await waitFor(() => lastModelText(probe!.transcript), { message: 'an answer' });
    const handle = await newestHandle(probe);
    expect(JSON.parse(sessionStorage.getItem('test-resume')!).handle).to.equal(handle);
    await probe.session.dispose();
    const reloaded = createSession({ resume: true, resumeKey: 'test-resume' });
    probe = reloaded;
    await reloaded.session.start();
    const records = await connections();
    const last = records[records.length - 1];
    expect(last.setup!.sessionResumption).to.deep.equal({ handle });
    expect(last.session.resumed).to.be.true;
  });

  it('starts afresh when the stored resumption handle is refused, and forgets it when ended on purpose', async () => {
    sessionStorage.setItem('stale-resume', JSON.stringify({ handle: 'expired-handle', savedAt: Date.now() }));
    probe = createSession({ resume: true, resumeKey: 'stale-resume' });
    await probe.session.start();
    const records = await connections();
    expect(records[0].setup!.sessionResumption).to.deep.equal({ handle: 'expired-handle' });
    expect(records[records.length - 1].setup!.sessionResumption).to.deep.equal({});
    expect(probe.errors).to.deep.equal([]);
    const fresh = await waitFor(() => probe!.session.resumptionHandle, { message: 'a new handle' });
    expect(JSON.parse(sessionStorage.getItem('stale-resume')!).handle).to.equal(fresh);
    await probe.session.dispose({ forget: true });
    expect(sessionStorage.getItem('stale-resume')).to.be.null;
  });

  it('resumes the audio context when the OS suspends it', async () => {
    probe = createSession();
    await probe.session.start();
    const context = probe.audioContext;
    await context.suspend();
    await waitFor(() => context.state === 'running', { timeout: 3000, message: 'the context running again' });
    expect(probe.session.state).to.be.oneOf(['listening', 'speaking']);
  });

  it('reports connection-failed when the first connection is refused', async () => {
    probe = createSession();
    await control({ action: 'refuseNext', status: 503 });
    const error = await probe.session.start().then(
      () => undefined,
      (e: { detail: { code: string; recoverable: boolean } }) => e,
    );
    expect(error?.detail).to.include({ code: 'connection-failed', recoverable: true });
  });

  it('dispose releases the microphone, the context and the socket', async () => {
    const recorder = recordUserMedia();
    try {
      probe = createSession();
      await probe.session.start();
      const context = probe.audioContext;
      await probe.session.dispose();
      const tracks = recorder.tracks();
      expect(tracks.length).to.be.greaterThan(0);
      expect(tracks.every((track) => track.readyState === 'ended')).to.be.true;
      expect(context.state).to.equal('closed');
      await waitFor(async () => (await openConnectionCount()) === 0, { message: 'the socket closed' });
    } finally {
      recorder.restore();
    }
  });
});
