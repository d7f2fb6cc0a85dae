import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { en, loadStrings, uiLanguages } from '../../../src/element/strings.js';
import { part } from '../../support/element.js';
import { waitFor } from '../../support/wait-for.js';

/** The languages whose tables this page has fetched so far. */
const fetchedLanguages = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => /\/locales\/([a-z]+)\.(?:ts|js)\b/.exec(entry.name)?.[1])
    .filter((code): code is string => Boolean(code));

const toggleText = (el: GeminiLiveElement) => part(el, 'toggle')!.textContent!.trim();

/** Waits until `el` shows the start label of `code`'s table. */
async function showsLanguage(el: GeminiLiveElement, code: string): Promise<void> {
  const table = await loadStrings(code);
  await waitFor(() => toggleText(el) === table.start, { message: `${code}: "${table.start}"`, timeout: 5000 });
}

describe('<gemini-live> UI languages', () => {
  // First in this file: no other test has loaded a table yet.
  it('loads only the table of the language in use, after English shows at once', async () => {
    expect(fetchedLanguages()).to.deep.equal([]);
    const el = await fixture<GeminiLiveElement>(html`<gemini-live language="ko-KR"></gemini-live>`);
    const base = part(el, 'base')!;
    await waitFor(() => toggleText(el) !== en.start, { message: 'the Korean table', timeout: 5000 });
    expect(fetchedLanguages()).to.deep.equal(['ko']);
    expect(base.getAttribute('lang')).to.equal('ko-KR');
    expect(base.getAttribute('dir')).to.equal('ltr');
    await showsLanguage(el, 'ko');
  });

  it('has a complete table for each of its 13 languages, and each shows', async () => {
    expect([...uiLanguages].sort()).to.deep.equal(['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'ko', 'nl', 'pl', 'pt', 'zh']);
    const keys = (table: object): string[] =>
      Object.entries(table).flatMap(([key, value]) => (typeof value === 'object' ? keys(value).map((k) => `${key}.${k}`) : [key]));
    for (const code of uiLanguages) {
      const table = await loadStrings(code);
      expect(keys(table).sort(), code).to.deep.equal(keys(en).sort());
      const blank = keys(table).filter((key) => !String(key.split('.').reduce<any>((at, k) => at[k], table)).trim());
      expect(blank, `${code}: empty strings`).to.deep.equal([]);
      if (code !== 'en') expect(table.start, `${code} is translated`).not.to.equal(en.start);
      const el = await fixture<GeminiLiveElement>(html`<gemini-live language=${code}></gemini-live>`);
      await showsLanguage(el, code);
      expect(part(el, 'status')!.textContent).to.equal(table.status.idle);
    }
  });

  it('follows language, then the nearest lang (also across shadow roots), then the browser\'s language', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="es"><gemini-live id="a"></gemini-live><gemini-live id="b" language="it"></gemini-live><div id="host"></div></div>`);
    await showsLanguage(wrapper.querySelector<GeminiLiveElement>('#a')!, 'es');
    await showsLanguage(wrapper.querySelector<GeminiLiveElement>('#b')!, 'it');
    const shadow = wrapper.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<gemini-live></gemini-live>';
    await showsLanguage(shadow.querySelector<GeminiLiveElement>('gemini-live')!, 'es');
    // A changed lang around the element, in the page or in a shadow root, is followed; Mandarin reads Chinese.
    wrapper.setAttribute('lang', 'fr');
    await showsLanguage(wrapper.querySelector<GeminiLiveElement>('#a')!, 'fr');
    shadow.innerHTML = '<div lang="de"><gemini-live></gemini-live></div>';
    const inShadow = shadow.querySelector<GeminiLiveElement>('gemini-live')!;
    await showsLanguage(inShadow, 'de');
    shadow.querySelector('div')!.setAttribute('lang', 'cmn-Hans-CN');
    await showsLanguage(inShadow, 'zh');
    expect(part(inShadow, 'base')!.getAttribute('lang')).to.equal('cmn-Hans-CN');

    const documentLang = document.documentElement.getAttribute('lang');
    document.documentElement.removeAttribute('lang');
    Object.defineProperty(navigator, 'language', { configurable: true, get: () => 'nl-BE' });
    try {
      const el = await fixture<GeminiLiveElement>(html`<gemini-live></gemini-live>`);
      await showsLanguage(el, 'nl');
      expect(part(el, 'base')!.getAttribute('lang')).to.equal('nl-BE');
      // A page that switches its language switches the element's too.
      document.documentElement.lang = 'pl';
      await showsLanguage(el, 'pl');
    } finally {
      delete (navigator as { language?: string }).language;
      if (documentLang === null) document.documentElement.removeAttribute('lang');
      else document.documentElement.setAttribute('lang', documentLang);
    }
  });

  it('shows English, declared as English, for a language without a table; and a site\'s own strings in its language', async () => {
    const swedish = await fixture<GeminiLiveElement>(html`<gemini-live language="sv-SE"></gemini-live>`);
    await swedish.updateComplete;
    expect(toggleText(swedish)).to.equal(en.start);
    expect(part(swedish, 'base')!.getAttribute('lang')).to.equal('en');
    expect(fetchedLanguages()).not.to.include('sv');

    const hebrew = await fixture<GeminiLiveElement>(html`<gemini-live language="he"></gemini-live>`);
    hebrew.strings = { start: 'התחלת שיחה' };
    await hebrew.updateComplete;
    expect(toggleText(hebrew)).to.equal('התחלת שיחה');
    expect(part(hebrew, 'base')!.getAttribute('lang')).to.equal('he');
    expect(part(hebrew, 'base')!.getAttribute('dir')).to.equal('rtl');
  });

  it('lays Arabic out right to left, passes axe, and keeps the floating launcher in the inline-end corner', async () => {
    const el = await fixture<GeminiLiveElement>(html`<gemini-live language="ar" text-only></gemini-live>`);
    await showsLanguage(el, 'ar');
    const base = part(el, 'base')!;
    expect(base.getAttribute('dir')).to.equal('rtl');
    expect(base.getAttribute('lang')).to.equal('ar');
    const panel = part(el, 'panel')!;
    expect(getComputedStyle(panel).direction).to.equal('rtl');
    // The first control sits at the right-hand edge, the text box's send button at the left.
    const toggle = part(el, 'toggle')!.getBoundingClientRect();
    const send = part(el, 'send')!.getBoundingClientRect();
    const box = panel.getBoundingClientRect();
    expect(box.right - toggle.right).to.be.lessThan(box.width / 4);
    expect(send.left - box.left).to.be.lessThan(box.width / 4);
    expect(part(el, 'text-input')!.getAttribute('dir'), 'typed text takes its own direction').to.equal('auto');
    await expect(el).to.be.accessible();

    el.layout = 'floating';
    await el.updateComplete;
    const launcher = part(el, 'launcher')!.getBoundingClientRect();
    expect(launcher.left, 'launcher at the left edge').to.be.lessThan(innerWidth / 2);
    el.open = true;
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});
