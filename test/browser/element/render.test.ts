import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';

describe('<gemini-live> first render', () => {
  it('renders the inline parts and reflects state="idle"', async () => {
    const el = await fixture<GeminiLiveElement>(html`<gemini-live></gemini-live>`);
    const root = el.shadowRoot!;
    for (const part of ['base', 'panel', 'toggle', 'status', 'transcript', 'visualizer', 'mute']) {
      expect(root.querySelector(`[part~="${part}"]`), part).to.exist;
    }
    expect(root.querySelector('[part~="launcher"]')).to.not.exist;
    expect(el.getAttribute('state')).to.equal('idle');
    expect(el.state).to.equal('idle');
    await expect(el).to.be.accessible();
  });

  it('registers once even when the entry module is evaluated again', async () => {
    const before = customElements.get('gemini-live');
    await import(`../../../src/gemini-live.js?again=${Date.now()}`);
    expect(customElements.get('gemini-live')).to.equal(before);
  });
});
