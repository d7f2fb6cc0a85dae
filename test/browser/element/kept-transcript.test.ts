import { expect, html } from '@open-wc/testing';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { connections, control, resetSimulator, simulatorUrl, waitFor } from '../../support/simulator.js';
import { SIM_MODEL } from '../../support/session.js';
import { liveElement, part } from '../../support/element.js';

/** The element as a page with `resume` writes it: everything in its attributes, so its first render knows its key. */
const resumed = () =>
  liveElement(html`<gemini-live
    id="kept"
    resume
    token-endpoint="/api/token"
    api-base-url=${simulatorUrl}
    model=${SIM_MODEL}
    text-input
  ></gemini-live>`);

/** The kept record of the element above, parsed. */
function record(): { handle?: string; turns?: Array<Record<string, unknown>> } | null {
  const key = Object.keys(sessionStorage).find((name) => name.startsWith('gemini-live:resume:') && name.endsWith(':kept'));
  return key ? JSON.parse(sessionStorage.getItem(key)!) : null;
}

const reload = () => window.dispatchEvent(new Event('pagehide'));

describe('<gemini-live resume>: the transcript across reloads', () => {
  const elements: GeminiLiveElement[] = [];
  const make = async () => {
    const el = await resumed();
    elements.push(el);
    return el;
  };

  beforeEach(async () => {
    sessionStorage.clear();
    await resetSimulator({ speed: 4 });
  });
  afterEach(async () => {
    for (const el of elements.splice(0)) {
      await el.stop();
      el.remove();
    }
    sessionStorage.clear();
  });

  it('shows the turns again after a reload, before the visitor starts, and continues below them', async () => {
    const first = await make();
    await first.start();
    first.sendText('Remember this');
    await waitFor(() => first.transcript.some((turn) => turn.role === 'model' && turn.final), { message: 'an answer' });
    await waitFor(() => record()?.handle, { message: 'a handle' });
    reload();
    const before = first.transcript.map(({ role, text }) => ({ role, text }));
    expect(record()!.turns!.map(({ role, text }) => ({ role, text }))).to.deep.equal(before);
    first.remove();

    const second = await make();
    await waitFor(() => second.transcript.length === 2, { message: 'the kept turns' });
    await second.updateComplete;
    expect(second.state).to.equal('idle');
    expect(second.transcript.map(({ role, text }) => ({ role, text }))).to.deep.equal(before);
    expect(second.transcript.every((turn) => turn.final && typeof turn.at === 'number')).to.equal(true);
    const shown = [...second.shadowRoot!.querySelectorAll('[part~="turn"]')].map((node) => node.textContent);
    expect(shown.join(' ')).to.contain('Remember this');
    expect(part(second, 'download')).to.exist;
    await expect(second).to.be.accessible();

    const handle = record()!.handle;
    expect(handle).to.be.a('string');
    await second.start();
    expect((await connections()).slice(-1)[0].setup!.sessionResumption).to.deep.equal({ handle });
    second.sendText('And this');
    await waitFor(() => second.transcript.filter((turn) => turn.role === 'model' && turn.final).length === 2, { message: 'the next answer' });
    expect(second.transcript.map((turn) => turn.text).slice(0, 3)).to.deep.equal([...before.map((turn) => turn.text), 'And this']);

    // Ended on purpose: the record goes with its handle, and the next page starts empty.
    await second.stop();
    expect(record()).to.equal(null);
    second.remove();
    const third = await make();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(third.transcript).to.deep.equal([]);
  });

  it('keeps an answer cut off mid-word as what was heard', async () => {
    // In real time: the answer must still be arriving when it is cut off.
    await control({ action: 'configure', options: { speed: 1 } });
    const el = await make();
    await el.start();
    await control({ action: 'turn', text: 'A long answer that the visitor will cut off before it ends.', audioSeconds: 4 });
    await waitFor(() => el.state === 'speaking', { message: 'speaking' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await control({ action: 'interrupt' });
    await waitFor(() => el.transcript.some((turn) => turn.interrupted), { message: 'the interruption' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    reload();
    const cut = el.transcript.find((turn) => turn.interrupted)!;
    const kept = record()!.turns!.find((turn) => turn.interrupted);
    expect(kept).to.deep.include({ role: 'model', text: cut.text, interrupted: true });
    expect(cut.text.length).to.be.lessThan('A long answer that the visitor will cut off before it ends.'.length);
  });

  it('discards a kept transcript it cannot read, and starts as usual', async () => {
    const key = `gemini-live:resume:${location.pathname}:${SIM_MODEL}:kept`;
    sessionStorage.setItem(key, JSON.stringify({ turns: [{ role: 'robot', at: 'then', text: 3 }] }));
    const el = await make();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(el.transcript).to.deep.equal([]);
    expect(JSON.parse(sessionStorage.getItem(key)!)).to.not.have.property('turns');
    await el.start();
    expect(el.state).to.equal('listening');
  });
});
