import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ActivityHandling,
  EndSensitivity,
  MediaResolution,
  Modality,
  StartSensitivity,

} from '@google/genai';
import { base64ToPcm16, rms } from '../../../demo/simulator/pcm.js';
import { MODEL, TEXT_MODEL, concat, kindOf, sendAudio, silence, speech, turnComplete, useTestSimulator } from './helpers.js';


describe('conversation', () => {
  const simulator = useTestSimulator();
  const { open } = simulator;

  test('the record echoes every setup field the SDK sends', async () => {
    await open({
      config: {
        responseModalities: [Modality.AUDIO],
        temperature: 0.4,
        topP: 0.9,
        topK: 20,
        maxOutputTokens: 256,
        seed: 7,
        mediaResolution: MediaResolution.MEDIA_RESOLUTION_LOW,
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'en-US' },
        thinkingConfig: { thinkingBudget: 0 },
        enableAffectiveDialog: true,
        systemInstruction: 'Be brief.',
        tools: [
          { functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: { type: 'object' } }] },
          { googleSearch: {} },
        ],
        sessionResumption: {},
        inputAudioTranscription: {},
        outputAudioTranscription: {},
        realtimeInputConfig: {
          automaticActivityDetection: {
            disabled: false,
            startOfSpeechSensitivity: StartSensitivity.START_SENSITIVITY_HIGH,
            endOfSpeechSensitivity: EndSensitivity.END_SENSITIVITY_LOW,
            prefixPaddingMs: 20,
            silenceDurationMs: 500,
          },
          activityHandling: ActivityHandling.START_OF_ACTIVITY_INTERRUPTS,
        },
        contextWindowCompression: { slidingWindow: { targetTokens: '1000' }, triggerTokens: '2000' },
        proactivity: { proactiveAudio: true },
      },
    });
    assert.deepEqual(simulator.sim.control.latest().setup, {
      model: `models/${MODEL}`,
      generationConfig: {
        responseModalities: ['AUDIO'],
        temperature: 0.4,
        topP: 0.9,
        topK: 20,
        maxOutputTokens: 256,
        seed: 7,
        mediaResolution: 'MEDIA_RESOLUTION_LOW',
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'en-US' },
        thinkingConfig: { thinkingBudget: 0 },
        enableAffectiveDialog: true,
      },
      systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
      tools: [
        { functionDeclarations: [{ name: 'get_weather', description: 'Weather', parametersJsonSchema: { type: 'object' } }] },
        { googleSearch: {} },
      ],
      sessionResumption: {},
      inputAudioTranscription: {},
      outputAudioTranscription: {},
      realtimeInputConfig: {
        automaticActivityDetection: {
          disabled: false,
          startOfSpeechSensitivity: 'START_SENSITIVITY_HIGH',
          endOfSpeechSensitivity: 'END_SENSITIVITY_LOW',
          prefixPaddingMs: 20,
          silenceDurationMs: 500,
        },
        activityHandling: 'START_OF_ACTIVITY_INTERRUPTS',
      },
      contextWindowCompression: { slidingWindow: { targetTokens: '1000' }, triggerTokens: '2000' },
      proactivity: { proactiveAudio: true },
    });
  });

  test('a text turn: paced 24 kHz audio with transcription, then generationComplete, turnComplete + usage', async () => {
    const client = await open({ config: { responseModalities: [Modality.AUDIO], outputAudioTranscription: {} } });
    client.session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'Hello there' }] }], turnComplete: true });
    const done = await client.waitFor(turnComplete);
    const kinds = client.kinds(1);
    assert.equal(kinds.at(-2), 'generationComplete');
    assert.equal(kinds.at(-1), 'turnComplete');
    assert.ok(kinds.indexOf('outputTranscription') < kinds.lastIndexOf('audio'), 'transcription interleaved');
    assert.equal(
      client.transcript(),
      'Hi, this is the offline Gemini Live simulator. You said: Hello there.',
    );
    const audio = client.messages.flatMap((m) => m.serverContent?.modelTurn?.parts ?? []).filter((p) => p.inlineData);
    assert.ok(audio.length > 10);
    assert.ok(audio.every((p) => p.inlineData?.mimeType === 'audio/pcm;rate=24000'));
    // 40 ms chunks: 960 samples, 1920 bytes (the last one may be shorter).
    assert.equal(base64ToPcm16(audio[0].inlineData!.data!).length, 960);
    assert.ok(rms(base64ToPcm16(audio[5].inlineData!.data!)) > 0.01);
    const usage = done.usageMetadata!;
    assert.ok(usage.promptTokenCount! > 0 && usage.responseTokenCount! > 0);
    assert.equal(usage.totalTokenCount, usage.promptTokenCount! + usage.responseTokenCount!);
    const record = simulator.sim.control.latest();
    assert.deepEqual(record.texts.map((t) => [t.via, t.text, t.turnComplete]), [['clientContent', 'Hello there', true]]);
    assert.deepEqual(record.turns, { user: 1, model: 1, interrupted: 0 });
  });

  test('realtimeInput.text is a turn; only the first answer introduces the simulator', async () => {
    const client = await open({ config: { outputAudioTranscription: {} } });
    client.session.sendRealtimeInput({ text: 'First' });
    await client.waitFor(turnComplete);
    const from = client.messages.length;
    client.session.sendRealtimeInput({ text: 'Second' });
    await client.waitFor(turnComplete, { from });
    assert.equal(client.transcript(from), 'You said: Second.');
    assert.deepEqual(simulator.sim.control.latest().texts.map((t) => t.via), ['realtimeInput', 'realtimeInput']);
  });

  test('no transcription unless the setup asks for it', async () => {
    const client = await open();
    client.session.sendClientContent({ turns: 'Hello', turnComplete: true });
    await client.waitFor(turnComplete);
    assert.ok(!client.kinds().some((k) => k.endsWith('Transcription')));
    assert.ok(client.kinds().includes('audio'));
  });

  test('TEXT modality answers with text parts', async () => {
    const client = await open({ model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT] } });
    client.session.sendClientContent({ turns: 'Ping', turnComplete: true });
    await client.waitFor(turnComplete);
    assert.ok(!client.kinds().includes('audio'));
    assert.equal(client.transcript(), 'Hi, this is the offline Gemini Live simulator. You said: Ping.');
  });

  test('clientContent without turnComplete waits for the rest of the turn', async () => {
    const client = await open({ model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT] } });
    client.session.sendClientContent({ turns: 'part one', turnComplete: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(!client.kinds().includes('text'));
    client.session.sendClientContent({ turns: 'part two', turnComplete: true });
    await client.waitFor(turnComplete);
    assert.match(client.transcript(), /You said: part one part two\./);
  });

  test('an audio turn: activity detection, honest input transcription, answer about the duration', async () => {
    const client = await open({ config: { inputAudioTranscription: {}, outputAudioTranscription: {} } });
    sendAudio(client.session, concat(silence(300), speech(2100), silence(800)));
    await client.waitFor(turnComplete);
    // As the service sends it now: the user's words after the model's first audio, in sub-word fragments, the
    // last one marked finished.
    const kinds = client.kinds(1);
    assert.ok(kinds.indexOf('audio') >= 0 && kinds.indexOf('audio') < kinds.indexOf('inputTranscription'));
    assert.ok(kinds.indexOf('inputTranscription') < kinds.indexOf('turnComplete'));
    const pieces = client.messages.flatMap((m) => (m.serverContent?.inputTranscription ? [m.serverContent.inputTranscription] : []));
    assert.equal(pieces.map((piece) => piece.text).join(''), '(speech, 2.1 s)');
    assert.ok(pieces.length >= 4 && pieces.every((piece) => (piece.text ?? '').length <= 6));
    assert.deepEqual(pieces.map((piece) => piece.finished === true), pieces.map((_, i) => i === pieces.length - 1));
    assert.match(client.transcript(), /I heard about two seconds of speech\./);
    const record = simulator.sim.control.latest();
    assert.ok(Math.abs(record.audio.seconds - 3.2) < 0.01);
    assert.equal(record.audio.bytes, 3.2 * 16000 * 2);
    assert.deepEqual(record.audio.mimeTypes, ['audio/pcm;rate=16000']);
    assert.deepEqual(record.activity.map((a) => a.type), ['speechStart', 'speechEnd']);
    assert.ok(Math.abs((record.activity[1].seconds ?? 0) - 2.1) < 0.05);
  });

  test('audioStreamEnd ends speech without waiting for silence', async () => {
    const client = await open({ config: { outputAudioTranscription: {} } });
    sendAudio(client.session, speech(1200));
    client.session.sendRealtimeInput({ audioStreamEnd: true });
    await client.waitFor(turnComplete);
    assert.match(client.transcript(), /I heard about one second of speech\./);
    assert.deepEqual(simulator.sim.control.latest().activity.map((a) => a.type), ['speechStart', 'audioStreamEnd', 'speechEnd']);
  });

  test('with automatic detection disabled, activityStart/activityEnd bracket the turn', async () => {
    const client = await open({
      config: { outputAudioTranscription: {}, realtimeInputConfig: { automaticActivityDetection: { disabled: true } } },
    });
    client.session.sendRealtimeInput({ activityStart: {} });
    sendAudio(client.session, silence(3000)); // level does not matter: the client decides what is speech
    client.session.sendRealtimeInput({ activityEnd: {} });
    await client.waitFor(turnComplete);
    assert.match(client.transcript(), /I heard about three seconds of speech\./);
    assert.deepEqual(simulator.sim.control.latest().activity.map((a) => a.type), ['activityStart', 'activityEnd']);
  });

  test('barge-in by speech: interrupted, then turnComplete, no generationComplete; then the new turn is answered', async () => {
    await simulator.sim.control.configure({ speed: 1 });
    const client = await open({ config: { outputAudioTranscription: {} } });
    client.session.sendClientContent({ turns: 'Tell me something long', turnComplete: true });
    await client.waitFor((m) => kindOf(m) === 'audio');
    sendAudio(client.session, concat(speech(600), silence(700)));
    await client.waitFor((m) => !!m.serverContent?.interrupted);
    await client.waitFor(turnComplete);
    const kinds = client.kinds(1);
    const interruptedAt = kinds.indexOf('interrupted');
    assert.equal(kinds[interruptedAt + 1], 'turnComplete');
    assert.ok(!kinds.slice(0, interruptedAt).includes('generationComplete'));
    await simulator.sim.control.configure({ speed: 10 });
    const second = await client.waitFor(turnComplete, { from: interruptedAt + 3 });
    assert.ok(second);
    assert.equal(client.kinds(interruptedAt + 2).filter((k) => k === 'generationComplete').length, 1);
    assert.deepEqual(simulator.sim.control.latest().turns, { user: 2, model: 2, interrupted: 1 });
  });

  test('barge-in by new client content', async () => {
    await simulator.sim.control.configure({ speed: 1 });
    const client = await open({ config: { responseModalities: [Modality.AUDIO], outputAudioTranscription: {} } });
    client.session.sendClientContent({ turns: 'First question', turnComplete: true });
    await client.waitFor((m) => kindOf(m) === 'audio');
    await simulator.sim.control.configure({ speed: 10 });
    client.session.sendClientContent({ turns: 'Never mind', turnComplete: true });
    await client.waitFor((m) => !!m.serverContent?.interrupted);
    const from = client.messages.findIndex((m) => m.serverContent?.interrupted) + 2;
    await client.waitFor(turnComplete, { from });
    assert.match(client.transcript(from), /You said: Never mind\./);
  });

  test('activityHandling NO_INTERRUPTION lets the answer finish first', async () => {
    const client = await open({ config: { realtimeInputConfig: { activityHandling: ActivityHandling.NO_INTERRUPTION } } });
    client.session.sendClientContent({ turns: 'One', turnComplete: true });
    await client.waitFor((m) => kindOf(m) === 'audio');
    client.session.sendClientContent({ turns: 'Two', turnComplete: true });
    await client.waitFor(turnComplete);
    await client.waitFor(turnComplete, { from: client.messages.findIndex(turnComplete) + 1 });
    assert.ok(!client.kinds().includes('interrupted'));
    assert.equal(client.kinds().filter((k) => k === 'generationComplete').length, 2);
  });

  test('video frames are recorded with timestamps and sizes and mentioned in the answer', async () => {
    const client = await open({ model: TEXT_MODEL, config: { responseModalities: [Modality.TEXT] } });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);
    for (let i = 0; i < 3; i++) client.session.sendRealtimeInput({ video: { data: jpeg.toString('base64'), mimeType: 'image/jpeg' } });
    client.session.sendRealtimeInput({ text: 'What do you see?' });
    await client.waitFor(turnComplete);
    const { video } = simulator.sim.control.latest();
    assert.equal(video.count, 3);
    assert.equal(video.bytes, 3 * jpeg.length);
    assert.deepEqual(video.frames.map((f) => [f.bytes, f.mimeType]), Array(3).fill([jpeg.length, 'image/jpeg']));
    assert.ok(video.frames.every((f, i) => i === 0 || f.at >= video.frames[i - 1].at));
    assert.match(client.transcript(), /I also received three video frames\./);
  });

  test('unknown client message fields close 1007 like the service', async () => {
    const client = await open();
    (client.session as unknown as { conn: { send(data: string): void } }).conn.send(JSON.stringify({ bogus: {} }));
    const close = await client.closed;
    assert.deepEqual(close, { code: 1007, reason: 'Invalid JSON payload received. Unknown name "bogus": Cannot find field.' });
  });
});
