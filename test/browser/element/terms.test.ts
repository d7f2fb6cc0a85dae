import { expect, html } from '@open-wc/testing';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { connections, resetSimulator, waitFor } from '../../support/simulator.js';
import { liveElement, part } from '../../support/element.js';

/** Counts what a start may ask for: the microphone and the token endpoint. */
function watchRequests() {
  // On the prototype: WebKit may collect navigator.mediaDevices' wrapper, and a property set on it with it.
  const getUserMedia = MediaDevices.prototype.getUserMedia;
  const fetch = window.fetch;
  const watch = { microphone: 0, tokens: 0, restore: () => undefined as void };
  MediaDevices.prototype.getUserMedia = function (this: MediaDevices, constraints) {
    watch.microphone += 1;
    return getUserMedia.call(this, constraints);
  };
  window.fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input).includes('/api/token')) watch.tokens += 1;
    return fetch(input, init);
  };
  watch.restore = () => {
    MediaDevices.prototype.getUserMedia = getUserMedia;
    window.fetch = fetch;
  };
  return watch;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('<gemini-live> terms', () => {
  let el: GeminiLiveElement | undefined;
  let requests: ReturnType<typeof watchRequests> | undefined;
  let key = '';

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
    key = `test-terms-${Math.random().toString(36).slice(2)}`;
    requests = watchRequests();
  });
  afterEach(async () => {
    requests?.restore();
    localStorage.removeItem(key);
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  const withTerms = () =>
    liveElement(html`<gemini-live terms-key=${key}>
      <p slot="terms">Conversations are recorded and processed by Example Inc. <a href="#privacy">Privacy</a></p>
    </gemini-live>`);

  it('shows the terms on the first start, asks for nothing before acceptance, then starts and remembers it', async () => {
    el = await withTerms();
    expect(part(el, 'terms'), 'hidden until a start').to.equal(null);
    part(el, 'toggle')!.click();
    await el.updateComplete;
    const terms = part(el, 'terms')!;
    expect(terms).to.exist;
    // Focus moves to the terms, and the live region reads them.
    expect(el.shadowRoot!.activeElement === terms, 'focus on the terms').to.equal(true);
    expect(terms.getAttribute('aria-label')).to.equal('Before you start');
    const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    expect(live.textContent!.trim()).to.equal('Before you start: Conversations are recorded and processed by Example Inc. Privacy');
    await expect(el).to.be.accessible();
    await settle();
    expect(requests!.microphone, 'microphone').to.equal(0);
    expect(requests!.tokens, 'tokens').to.equal(0);
    expect(await connections(), 'sockets').to.have.length(0);
    expect(el.state).to.equal('idle');

    part(el, 'terms-accept')!.click();
    await el.updateComplete;
    expect(part(el, 'terms')).to.equal(null);
    expect(el.shadowRoot!.activeElement === part(el, 'toggle'), 'focus back on the toggle').to.equal(true);
    await waitFor(() => el!.state === 'listening', { message: 'listening' });
    expect(localStorage.getItem(key)).to.match(/^\d{4}-\d\d-\d\dT/);
    // The microphone may open after the socket (WebKit loads the worklets later).
    await waitFor(() => requests!.microphone === 1, { message: 'the microphone asked for' });
    expect(await connections()).to.have.length(1);

    // Accepted once: the next start goes straight on.
    await el.stop();
    await el.start();
    expect(el.state).to.equal('listening');
  });

  it('resolves a script\'s start() after acceptance, and asks again under a new key', async () => {
    el = await withTerms();
    let settled = false;
    const started = el.start().then(() => void (settled = true));
    await settle();
    expect(settled).to.equal(false);
    expect(el.start(), 'a second start waits for the same answer').to.be.a('promise');
    part(el, 'terms-accept')!.click();
    await started;
    expect(el.state).to.equal('listening');
    await el.stop();

    const otherKey = `${key}-v2`;
    el.termsKey = otherKey;
    await el.updateComplete;
    const again = el.start();
    await el.updateComplete;
    expect(part(el, 'terms'), 'a new key asks again').to.exist;
    part(el, 'terms-accept')!.click();
    await again;
    localStorage.removeItem(otherKey);
  });

  it('rejects start() with terms-declined when the visitor declines, and stays usable', async () => {
    el = await withTerms();
    const started = el.start();
    await el.updateComplete;
    part(el, 'terms-decline')!.click();
    const error = await started.then(() => null, (e: Error & { code?: string }) => e);
    expect(error?.code).to.equal('terms-declined');
    await el.updateComplete;
    expect(part(el, 'terms')).to.equal(null);
    expect(part(el, 'error'), 'declining is no error').to.equal(null);
    expect(el.state).to.equal('idle');
    expect(el.shadowRoot!.activeElement === part(el, 'toggle'), 'focus on the toggle').to.equal(true);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(requests!.microphone + requests!.tokens).to.equal(0);
    // Escape declines too.
    const again = el.start();
    await el.updateComplete;
    part(el, 'terms')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect((await again.then(() => null, (e: Error & { code?: string }) => e))?.code).to.equal('terms-declined');
  });

  it('calls the start off when stop() comes while the terms are shown: start() rejects, and a late accept starts nothing', async () => {
    el = await withTerms();
    const started = el.start();
    await el.updateComplete;
    const accept = part(el, 'terms-accept')!;
    await el.stop();
    const error = await started.then(() => null, (e: Error) => e);
    expect(error?.name).to.equal('AbortError');
    await el.updateComplete;
    expect(part(el, 'terms'), 'the terms go').to.equal(null);
    accept.click();
    await settle();
    expect(el.state).to.equal('idle');
    expect(requests!.microphone + requests!.tokens).to.equal(0);
    expect(localStorage.getItem(key), 'nothing accepted').to.equal(null);
    // Taken off the page while the terms are shown, the start is called off the same way.
    const again = el.start();
    await el.updateComplete;
    el.remove();
    expect((await again.then(() => null, (e: Error) => e))?.name).to.equal('AbortError');
  });

  for (const typed of [['Hello'], ['Hello', 'are you there?']]) {
    it(`puts ${typed.length} typed message(s) back into the text box, once, when the terms are declined`, async () => {
      el = await liveElement(html`<gemini-live text-only terms-key=${key}><p slot="terms">Recorded.</p></gemini-live>`);
      const input = part<HTMLInputElement>(el, 'text-input')!;
      for (const text of typed) {
        input.value = text;
        input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
        await el.updateComplete;
        part(el, 'send')!.click();
        await el.updateComplete;
      }
      part(el, 'terms-decline')!.click();
      await settle();
      await el.updateComplete;
      expect(part<HTMLInputElement>(el, 'text-input')!.value).to.equal(typed.join(' '));
      expect(await connections()).to.have.length(0);
    });
  }

  it('has no gate without terms content, and does without storage that throws', async () => {
    el = await liveElement(html`<gemini-live terms-key=${key}></gemini-live>`);
    await el.start();
    expect(el.state).to.equal('listening');
    await el.stop();
    el.remove();

    // Storage that is full: the answer cannot be kept, yet holds for this page.
    el = await withTerms();
    let started = el.start();
    await el.updateComplete;
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      part(el, 'terms-accept')!.click();
    } finally {
      Storage.prototype.setItem = setItem;
    }
    await started;
    expect(localStorage.getItem(key)).to.equal(null);
    await el.stop();
    await el.start();
    expect(el.state, 'not asked again on this page').to.equal('listening');
    await el.stop();
    el.remove();

    // Storage that cannot be reached at all (a sandboxed frame): the terms are asked for, and accepting works.
    key = `${key}-blocked`;
    const own = Object.getOwnPropertyDescriptor(window, 'localStorage');
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get: () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    try {
      el = await withTerms();
      started = el.start();
      await el.updateComplete;
      expect(part(el, 'terms')).to.exist;
      part(el, 'terms-accept')!.click();
      await started;
      expect(el.state).to.equal('listening');
    } finally {
      if (own) Object.defineProperty(window, 'localStorage', own);
      else delete (window as { localStorage?: Storage }).localStorage;
    }
    expect(window.localStorage, 'restored').to.be.an.instanceOf(Storage);
  });

  it('opens the floating panel to show the terms', async () => {
    el = await liveElement(html`<gemini-live layout="floating" terms-key=${key}><p slot="terms">Recorded.</p></gemini-live>`);
    expect(el.open).to.equal(false);
    const started = el.start();
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(el.shadowRoot!.activeElement === part(el, 'terms'), 'focus on the terms').to.equal(true);
    await expect(el).to.be.accessible();
    // Closed with the terms still shown, focus goes back to the launcher, as on any close.
    el.shadowRoot!.querySelector<HTMLElement>('button.close')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement === part(el, 'launcher'), 'focus on the launcher').to.equal(true);
    el.open = true;
    await el.updateComplete;
    part(el, 'terms-accept')!.click();
    await started;
  });
});
