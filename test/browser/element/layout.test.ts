import { expect, fixture, html, oneEvent, nextFrame } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';

import { part } from '../../support/element.js';
import { waitFor } from '../../support/wait-for.js';

describe('<gemini-live> attributes and layouts', () => {
  it('maps every attribute to its camelCase property', async () => {
    const el = await fixture<GeminiLiveElement>(html`<gemini-live
      token-endpoint="/api/token"
      api-key="k"
      api-base-url="http://localhost:1"
      api-version="v1alpha"
      model="m-1"
      voice="Kore"
      response-modality="text"
      language="de-DE"
      system-instruction="Be brief"
      transcription="input"
      mode="push-to-talk"
      video="camera"
      video-fps="2"
      chunk-ms="40"
      no-audio-processing
      google-search
      text-input
      layout="floating"
      resume
      muted
    ></gemini-live>`);
    expect(el.tokenEndpoint).to.equal('/api/token');
    expect(el.apiKey).to.equal('k');
    expect(el.apiBaseUrl).to.equal('http://localhost:1');
    expect(el.apiVersion).to.equal('v1alpha');
    expect(el.model).to.equal('m-1');
    expect(el.voice).to.equal('Kore');
    expect(el.responseModality).to.equal('text');
    expect(el.language).to.equal('de-DE');
    expect(el.systemInstruction).to.equal('Be brief');
    expect(el.transcription).to.equal('input');
    expect(el.mode).to.equal('push-to-talk');
    expect(el.video).to.equal('camera');
    expect(el.videoFps).to.equal(2);
    expect(el.chunkMs).to.equal(40);
    expect(el.noAudioProcessing).to.be.true;
    expect(el.googleSearch).to.be.true;
    expect(el.textInput).to.be.true;
    expect(el.layout).to.equal('floating');
    expect(el.resume).to.be.true;
    expect(el.muted).to.be.true;
  });

  it('reflects muted and layout, and keeps state read-only', async () => {
    const el = await fixture<GeminiLiveElement>(html`<gemini-live></gemini-live>`);
    el.muted = true;
    await el.updateComplete;
    expect(el.hasAttribute('muted')).to.be.true;
    expect(part(el, 'mute')!.getAttribute('aria-pressed')).to.equal('true');
    el.muted = false;
    await el.updateComplete;
    expect(el.hasAttribute('muted')).to.be.false;
    expect(() => {
      (el as unknown as { state: string }).state = 'speaking';
    }).to.throw(TypeError);
    el.setAttribute('state', 'speaking');
    el.requestUpdate();
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(el.getAttribute('state')).to.equal('idle');
  });

  it('renders the push-to-talk, text input and video controls only when asked', async () => {
    const plain = await fixture<GeminiLiveElement>(html`<gemini-live></gemini-live>`);
    for (const name of ['talk', 'text-input', 'send', 'video', 'launcher', 'error', 'video-preview']) {
      expect(part(plain, name), name).to.not.exist;
    }
    const full = await fixture<GeminiLiveElement>(
      html`<gemini-live mode="push-to-talk" text-input video="screen"></gemini-live>`,
    );
    for (const name of ['talk', 'text-input', 'send', 'video']) expect(part(full, name), name).to.exist;
    expect(part(full, 'talk')!.hasAttribute('disabled')).to.be.true;
    expect(part(full, 'video')!.textContent).to.contain('Share screen');
    await expect(full).to.be.accessible();
  });

  it('floating layout: the launcher opens the panel, focus moves in, Escape closes and returns focus', async () => {
    const el = await fixture<GeminiLiveElement>(html`<gemini-live layout="floating"></gemini-live>`);
    const launcher = part(el, 'launcher')!;
    const panel = part(el, 'panel')!;
    expect(panel.hidden).to.be.true;
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    await expect(el).to.be.accessible();
    launcher.click();
    await el.updateComplete;
    expect(el.open).to.be.true;
    expect(panel.hidden).to.be.false;
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'toggle'));
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.open).to.be.false;
    expect(panel.hidden).to.be.true;
    expect(el.shadowRoot!.activeElement).to.equal(launcher);
    // Escape also closes the panel while focus is on the launcher.
    launcher.click();
    await el.updateComplete;
    launcher.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.open).to.be.false;
  });

  it('is positioned by custom properties in the floating layout', async () => {
    const el = await fixture<GeminiLiveElement>(
      html`<gemini-live layout="floating" style="--gemini-live-inset-block-end: 40px; --gemini-live-inset-inline-end: 50px"></gemini-live>`,
    );
    const base = part(el, 'base')!;
    const style = getComputedStyle(base);
    expect(style.position).to.equal('fixed');
    expect(style.bottom).to.equal('40px');
    expect(style.right).to.equal('50px');
  });

  it('takes UI strings from lang, language and the strings override', async () => {
    const german = await fixture<GeminiLiveElement>(html`<div lang="de"><gemini-live></gemini-live></div>`);
    const el = german.querySelector('gemini-live')!;
    await waitFor(() => part(el, 'toggle')!.textContent!.includes('Gespräch starten'), { message: 'German', timeout: 5000 });
    const french = await fixture<GeminiLiveElement>(html`<gemini-live language="fr-FR"></gemini-live>`);
    await waitFor(() => part(french, 'toggle')!.textContent!.includes('Démarrer'), { message: 'French', timeout: 5000 });
    french.strings = { start: 'Parlons', status: { idle: 'Prêt à parler' } };
    await french.updateComplete;
    expect(part(french, 'toggle')!.textContent).to.contain('Parlons');
    expect(part(french, 'status')!.textContent).to.equal('Prêt à parler');
  });

  it('prefers the element\'s own lang, then language, then the page\'s lang', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="de">
      <gemini-live id="a"></gemini-live>
      <gemini-live id="b" language="fr-FR"></gemini-live>
      <gemini-live id="c" lang="en" language="fr-FR"></gemini-live>
    </div>`);
    const shows = (id: string, text: string) => {
      const el = wrapper.querySelector<GeminiLiveElement>(`#${id}`)!;
      return waitFor(() => part(el, 'toggle')!.textContent!.trim() === text, { message: `${id}: ${text}`, timeout: 5000 });
    };
    await shows('a', 'Gespräch starten');
    await shows('b', 'Démarrer la conversation');
    await shows('c', 'Start conversation');
  });

  it('shows the empty slot content, and a site\'s own', async () => {
    const plain = await fixture<GeminiLiveElement>(html`<gemini-live lang="en"></gemini-live>`);
    const fallback = plain.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="empty"]')!;
    expect(fallback.assignedNodes()).to.have.length(0);
    expect(fallback.textContent!.trim()).to.equal(
      'Start a conversation and speak: what you and the assistant say appears here.',
    );
    expect(fallback.closest('li')!.getBoundingClientRect().height).to.be.greaterThan(0);

    const el = await fixture<GeminiLiveElement>(html`<gemini-live><span slot="empty">Ask me anything</span></gemini-live>`);
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="empty"]')!;
    expect(slot.assignedNodes()[0].textContent).to.equal('Ask me anything');
  });

  it('fires gemini-live-error with a visible message when started without credentials', async () => {
    const el = await fixture<GeminiLiveElement>(html`<gemini-live></gemini-live>`);
    const errorEvent = oneEvent(el, 'gemini-live-error');
    const started = el.start().catch((error: unknown) => error);
    const { detail } = await errorEvent;
    expect(detail.code).to.equal('config-invalid');
    expect(detail.recoverable).to.be.false;
    expect(await started).to.be.instanceOf(Error);
    await el.updateComplete;
    await nextFrame();
    expect(el.state).to.equal('error');
    expect(part(el, 'error')!.textContent).to.not.be.empty;
    expect(part(el, 'toggle')!.getAttribute('aria-pressed')).to.equal('false');
    await expect(el).to.be.accessible();
  });
});
