// Runs with a microphone that says a sentence, then stays silent (see test/fixtures/make-voice-wav.mjs).
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../src/gemini-live.js';
import { connections, resetSimulator, simulatorUrl, waitFor } from '../support/simulator.js';
import { SIM_MODEL } from '../support/session.js';

describe('a spoken turn through the microphone', () => {
  let el: GeminiLiveElement | undefined;

  beforeEach(() => resetSimulator());
  afterEach(async () => {
    await el?.stop();
    el = undefined;
  });

  it('(Chromium only: a WAV as the microphone) is heard by the simulator and answered with audio and both transcripts', async () => {
    el = await fixture<GeminiLiveElement>(html`<gemini-live
      token-endpoint="/api/token"
      api-base-url=${simulatorUrl}
      model=${SIM_MODEL}
      no-audio-processing
    ></gemini-live>`);
    const speakingSeen = new Promise<void>((resolve) =>
      el!.addEventListener('gemini-live-state', (event) => event.detail.state === 'speaking' && resolve()),
    );
    await el.start();
    await waitFor(() => el!.transcript.some((turn) => turn.role === 'model' && turn.final && turn.text), {
      timeout: 25_000,
      message: 'a spoken answer',
    });
    await speakingSeen;
    const user = el.transcript.find((turn) => turn.role === 'user')!;
    const model = el.transcript.find((turn) => turn.role === 'model')!;
    // The simulator cannot recognise words offline; it transcribes how long the speech was.
    expect(user.text).to.match(/speech, \d+(\.\d+)? s/);
    expect(model.text).to.match(/heard/i);
    const [record] = await connections();
    expect(record.activity.some((a) => a.type === 'speechStart')).to.be.true;
    expect(record.turns.user).to.be.greaterThan(0);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});
