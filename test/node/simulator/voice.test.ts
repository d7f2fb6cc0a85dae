import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Modality } from '@google/genai';
import { base64ToPcm16, rms } from '../../../demo/simulator/pcm.js';
import { connect, startTestSimulator, type Client, type Sim, turnComplete } from './helpers.js';


function audioOf(client: Client, from = 0) {
  const chunks = client.messages
    .slice(from)
    .flatMap((m) => m.serverContent?.modelTurn?.parts ?? [])
    .filter((p) => p.inlineData?.mimeType === 'audio/pcm;rate=24000')
    .map((p) => base64ToPcm16(p.inlineData!.data!));
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Per-20 ms-frame loudness and zero-crossing rate. */
function frames(samples: Int16Array) {
  const size = 480;
  const result: Array<{ level: number; zcr: number }> = [];
  for (let i = 0; i + size <= samples.length; i += size) {
    let crossings = 0;
    for (let j = i + 1; j < i + size; j++) if (samples[j - 1] < 0 !== samples[j] < 0) crossings++;
    result.push({ level: rms(samples, i, i + size), zcr: crossings / size });
  }
  return result;
}

describe('espeak voice', () => {
  let sim: Sim;
  before(async () => {
    sim = await startTestSimulator({ voice: true, speed: 0 });
  });
  after(() => sim.close());

  test('answers are real, non-silent speech at 24 kHz, synthesised off the event loop', async () => {
    const client = await connect(sim, {
      config: { responseModalities: [Modality.AUDIO], outputAudioTranscription: {}, speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } },
    });
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    client.session.sendClientContent({ turns: 'Good morning', turnComplete: true });
    await client.waitFor(turnComplete, { timeoutMs: 20_000 });
    clearInterval(ticker);
    assert.ok(longestGap < 150, `event loop stalled for ${longestGap.toFixed(0)} ms`);

    const pcm = audioOf(client);
    const seconds = pcm.length / 24000;
    // "Hi, this is the offline Gemini Live simulator. You said: Good morning." at ~175 words per minute.
    assert.ok(seconds > 2.5 && seconds < 8, `duration ${seconds}`);
    assert.ok(rms(pcm) > 0.03, `level ${rms(pcm)}`);
    const stats = frames(pcm);
    const loud = stats.filter((f) => f.level > 0.01);
    const quiet = stats.filter((f) => f.level < 0.003);
    // Speech has pauses between words and alternates voiced (few crossings) and fricative (many) sounds.
    assert.ok(loud.length > stats.length * 0.4, 'mostly voiced');
    assert.ok(quiet.length > stats.length * 0.03, 'with pauses');
    const zcrs = loud.map((f) => f.zcr);
    const mean = zcrs.reduce((a, b) => a + b, 0) / zcrs.length;
    const spread = Math.sqrt(zcrs.reduce((a, b) => a + (b - mean) ** 2, 0) / zcrs.length);
    assert.ok(spread / mean > 0.3, `zero-crossing variation ${(spread / mean).toFixed(2)} is too tone-like`);
    assert.equal(client.transcript(), 'Hi, this is the offline Gemini Live simulator. You said: Good morning.');
    client.session.close();
  });

  test('voiceName picks a different espeak voice; synthesis is repeatable', async () => {
    const say = async (voiceName: string) => {
      const client = await connect(sim, { config: { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName } } } } });
      client.session.sendRealtimeInput({ text: 'Same words' });
      await client.waitFor(turnComplete, { timeoutMs: 20_000 });
      client.session.close();
      return { pcm: audioOf(client) };
    };
    const puck = await say('Puck');
    const kore = await say('Kore');
    const same = puck.pcm.length === kore.pcm.length && puck.pcm.every((v, i) => v === kore.pcm[i]);
    assert.ok(!same, 'Kore and Puck sound different');
    const again = await say('Puck');
    assert.deepEqual(again.pcm, puck.pcm);
  });
});
