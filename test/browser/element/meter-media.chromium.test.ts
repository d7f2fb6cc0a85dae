// The level meter's sides under emulated media features (prefers-color-scheme, prefers-reduced-motion), through
// the Chrome DevTools Protocol, which only Chromium offers here.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { MeterHost, contrast } from '../../support/meter-host.js';

describe("The level meter's sides under emulated media features", () => {
  it("(Chromium only: CDP media emulation) gives the model's dots a colour of their own in both schemes", async () => {
    const schemes: Record<string, { model: string; background: string }> = {};
    try {
      for (const colorScheme of ['light', 'dark'] as const) {
        await emulateMedia({ colorScheme });
        const el = await fixture<GeminiLiveElement>(html`<gemini-live></gemini-live>`);
        const visualizer = el.shadowRoot!.querySelector<HTMLElement>('[part~="visualizer"]')!;
        const panel = el.shadowRoot!.querySelector<HTMLElement>('[part~="panel"]')!;
        const computed = getComputedStyle(el);
        schemes[colorScheme] = {
          model: getComputedStyle(visualizer).color,
          background: getComputedStyle(panel).backgroundColor,
        };
        const expected = colorScheme === 'light' ? '#b45309' : '#ffb77c';
        expect(computed.getPropertyValue('--gemini-live-model-meter').trim()).to.equal(expected);
      }
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
    expect(schemes.light.model).to.equal('rgb(180, 83, 9)');
    expect(schemes.dark.model).to.equal('rgb(255, 183, 124)');
    for (const [scheme, { model, background }] of Object.entries(schemes)) {
      expect(contrast(model, background), `${scheme}: ${model} on ${background}`).to.be.above(4.5);
    }
  });

  it('(Chromium only: CDP media emulation) keeps bars and dots apart with reduced motion, fading both', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    try {
      const host = await fixture<MeterHost>(html`<meter-test-host></meter-test-host>`);
      const visualizer = host.visualizer!;
      const span = visualizer.querySelectorAll('span')[1];
      Object.assign(host.source, { active: true, inputLevel: 0.1, outputLevel: 0 });
      host.requestUpdate();
      await waitUntil(() => visualizer.dataset.side === 'user', "the visitor's side");
      let style = getComputedStyle(span);
      expect([style.transform, style.height, style.borderTopLeftRadius]).to.deep.equal(['none', '24px', '2px']);
      host.source.outputLevel = 0.2;
      await waitUntil(() => visualizer.dataset.side === 'model', "the model's side");
      style = getComputedStyle(span);
      const dot = [style.transform, style.width, style.height, style.borderTopLeftRadius];
      expect(dot, 'a dot on the centre line').to.deep.equal(['none', '6px', '6px', '50%']);
      expect(style.transitionProperty, 'fading').to.equal('opacity');
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });
});
