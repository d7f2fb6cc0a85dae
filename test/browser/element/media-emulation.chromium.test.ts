// Tests that emulate media features (prefers-color-scheme, prefers-reduced-motion) through the Chrome DevTools
// Protocol, which only Chromium offers here: the config runs `*.chromium.test.ts` files in Chromium alone.
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import { liveElement } from '../../support/element.js';

describe('<gemini-live> under emulated media features', () => {
  let el: GeminiLiveElement | undefined;

  beforeEach(async () => {
    await resetSimulator();
  });

  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  it('(Chromium only: CDP media emulation) is accessible in the dark theme, idle and with the floating panel open', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const inline = await fixture<GeminiLiveElement>(html`<gemini-live text-input mode="push-to-talk" video="screen"></gemini-live>`);
      expect(getComputedStyle(inline).getPropertyValue('--gemini-live-accent').trim()).to.equal('#a8c7fa');
      await expect(inline).to.be.accessible();
      const floating = await fixture<GeminiLiveElement>(html`<gemini-live layout="floating" open text-input></gemini-live>`);
      await expect(floating).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('(Chromium only: CDP media emulation) honours prefers-reduced-motion in the visualizer', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    try {
      const still = await fixture<GeminiLiveElement>(html`<gemini-live></gemini-live>`);
      const bar = still.shadowRoot!.querySelector<HTMLElement>('[part~="visualizer"] span')!;
      expect(getComputedStyle(bar).transform).to.equal('none');
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  it('(Chromium only: CDP media emulation) is accessible in the dark theme while in conversation', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    try {
      el = await liveElement(html`<gemini-live text-input mode="push-to-talk" video="camera"></gemini-live>`);
      await el.start();
      await control({ action: 'turn', inputTranscript: 'Question', text: 'An answer in the dark.', audioSeconds: 0.3 });
      await waitFor(() => el!.transcript.some((t) => t.role === 'model' && t.final), { message: 'an answer' });
      await el.updateComplete;
      expect(getComputedStyle(el).getPropertyValue('--gemini-live-background').trim()).to.equal('#1f1f1f');
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });
});
