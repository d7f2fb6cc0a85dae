// The echo guard end to end: a microphone that hears the model's voice coming back at −30 dBFS while the model
// plays at −9 dBFS, and what reaches the simulator (the service's stand-in) meanwhile.
import { expect, html } from '@open-wc/testing';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import { elementPipelineInWorker, engineOf, liveElement } from '../../support/element.js';
import { refuseWorkers } from '../../support/workers.js';
import { engine } from '../../support/engine.js';
import { soundChunks, toneMicrophone, whileTheModelSpeaks } from '../../support/tone-microphone.js';

// A microphone level low enough to send only zeros.
const SILENT = -200;

// The guard runs in the capture worklet either way; the chunks reach the socket through the worker, or through the
// page where no worker may start (a strict content security policy).
for (const inWorker of [true, false])
  describe(`<gemini-live barge-in> end to end (pipeline ${inWorker ? 'in the socket worker' : 'on the page'})`, () => {
    let el: GeminiLiveElement | undefined;
    let microphone: ReturnType<typeof toneMicrophone> | undefined;
    let allowWorkers: (() => void) | undefined;

    beforeEach(async () => {
      // Speech starts above −20 dBFS here, so the echo alone never opens a user turn in the simulator.
      await resetSimulator({ speed: 1, activity: { thresholdDb: -20 } });
      microphone = toneMicrophone();
      if (!inWorker) allowWorkers = refuseWorkers();
    });
    afterEach(async () => {
      await el?.stop();
      el?.remove();
      el = undefined;
      await microphone?.restore();
      allowWorkers?.();
      allowWorkers = undefined;
      // The microphone chosen in a test is remembered for the site.
      localStorage.removeItem('gemini-live:devices');
    });

    it('guarded: no echo-level chunk reaches the service while the model speaks, and everything passes while it is silent', async () => {
      el = await liveElement(html`<gemini-live barge-in="guarded"></gemini-live>`);
      microphone!.level(-30);
      await el.start();
      expect(await elementPipelineInWorker(el)).to.equal(inWorker);
      const before = await soundChunks();
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await soundChunks()) - before, 'the model silent: the microphone passes').to.be.above(20);
      // Silent until the voice plays, so no sound from before it (still on its way under load) is counted.
      microphone!.level(SILENT);
      const { sound, chunks } = await whileTheModelSpeaks(el, 2, () => microphone!.level(-30));
      expect(chunks, 'chunks sent while the model spoke').to.be.above(50);
      expect(sound, 'of them with the echo in').to.be.at.most(1);
    });

    it('guarded: a visitor speaking up at −6 dBFS gets through while the model speaks', async () => {
      el = await liveElement(html`<gemini-live barge-in="guarded"></gemini-live>`);
      // Silent until the voice plays: a visitor heard from the start could keep the answer from starting at all.
      microphone!.level(SILENT);
      await el.start();
      await control({
        action: 'turn',
        text: 'An answer to talk over.',
        audioSeconds: 2,
      });
      await waitFor(() => el!.state === 'speaking', {
        message: 'the model speaking',
      });
      const before = await soundChunks();
      // The simulator hears the visitor (above −20 dBFS) and may cut its answer short: count what got through.
      microphone!.level(-6);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await soundChunks()) - before).to.be.above(12);
    });

    it(`auto: ${engine === 'firefox' ? 'Firefox does not cancel Web Audio output: guarded all along' : 'guarded for the first 3 s of voice, then left to the echo canceller, and guarded again after a microphone switch'}`, async () => {
      el = await liveElement();
      microphone!.level(SILENT);
      await el.start();
      const first = await whileTheModelSpeaks(el, 3.3, () => microphone!.level(-30));
      expect(first.sound, 'the first 3 s of voice').to.be.at.most(1);
      const later = await whileTheModelSpeaks(el, 1.5);
      if (engine === 'firefox') expect(later.sound, 'after 3 s, in Firefox').to.be.at.most(1);
      else expect(later.sound, 'after 3 s: the canceller is trusted').to.be.above(later.chunks * 0.8);
      // A new microphone: the canceller adapts anew, so the next answer starts guarded, from its first chunk on.
      const stream = engineOf(el)!.microphoneStream;
      el.microphoneId = 'another-microphone';
      await waitFor(() => engineOf(el!)!.microphoneStream !== stream, {
        message: 'the other microphone in use',
      });
      microphone!.level(SILENT);
      const switched = await whileTheModelSpeaks(el, 1.5, () => microphone!.level(-30));
      expect(switched.sound, 'after the switch').to.be.at.most(1);
    });

    it('always: the echo reaches the service (what the guard prevents)', async () => {
      el = await liveElement(html`<gemini-live barge-in="always"></gemini-live>`);
      microphone!.level(-30);
      await el.start();
      const { sound, chunks } = await whileTheModelSpeaks(el, 2);
      expect(sound, 'chunks with the echo in').to.be.above(chunks * 0.8);
    });
  });
