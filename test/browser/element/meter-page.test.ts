// The level meter on the page's own path: LevelAnimationController writing the side and the level into the
// visualizer, and the visualizer's styles turning them into the visitor's bars or the model's dots.
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { InstantMeterHost as MeterHost, contrast } from '../../support/meter-host.js';

describe("The level meter's sides on the page (LevelAnimationController and the visualizer's styles)", () => {
  let host: MeterHost;
  let visualizer: HTMLElement;
  let spans: HTMLElement[];
  const side = () => visualizer.dataset.side;
  const level = () => visualizer.style.getPropertyValue('--gemini-live-level');

  beforeEach(async () => {
    host = await fixture<MeterHost>(html`<instant-meter-test-host></instant-meter-test-host>`);
    host.style.setProperty('--gemini-live-accent', 'rgb(255, 0, 0)');
    host.style.setProperty('--gemini-live-model-meter', 'rgb(0, 0, 255)');
    visualizer = host.visualizer!;
    spans = [...visualizer.querySelectorAll('span')];
  });

  function activate(inputLevel: number, outputLevel: number) {
    Object.assign(host.source, { active: true, inputLevel, outputLevel });
    host.requestUpdate();
  }

  /** Where the centre of `span` is, in px below the visualizer's centre line and right of its left edge; its size. */
  function place(span: HTMLElement) {
    const box = span.getBoundingClientRect();
    const line = visualizer.getBoundingClientRect();
    const across = box.left + box.width / 2 - line.left;
    const below = box.top + box.height / 2 - (line.top + line.height / 2);
    return { below, across, width: box.width, height: box.height };
  }

  it("shows the model's side while its voice is audible and the visitor's otherwise, in colour and shape", async () => {
    expect(side(), 'no side while idle').to.be.undefined;
    activate(0.1, 0);
    await waitUntil(() => side() === 'user' && level() === '0.300', "the visitor's side and level");
    let bar = place(spans[1]);
    expect(getComputedStyle(spans[1]).backgroundColor).to.equal('rgb(255, 0, 0)');
    expect(bar.height, "the visitor's tall bar, at 0.15 + 0.3 of 24 px").to.be.closeTo(10.8, 0.5);
    expect(bar.width).to.be.closeTo(4, 0.1);
    expect(bar.below, 'grown from the centre line').to.be.closeTo(0, 0.5);

    // The model speaks, and its level is shown even while the microphone hears louder.
    host.source.inputLevel = 0.3;
    host.source.outputLevel = 0.2;
    await waitUntil(() => side() === 'model' && level() === '0.600', "the model's side and level");
    expect(getComputedStyle(spans[1]).backgroundColor).to.equal('rgb(0, 0, 255)');
    const dots = spans.map(place);
    for (const dot of dots) expect([dot.width, dot.height], 'a 6 px dot').to.deep.equal([6, 6]);
    // Off the centre line by 9 px × the bar's relative height × the level, every other dot up.
    expect(dots.map((dot) => Math.round(dot.below * 10) / 10)).to.deep.equal([3.2, -5.4, 4.3, -5.4, 3.2]);
    expect(dots.map((dot) => dot.across), 'in the bars\' places').to.deep.equal([2, 9, 16, 23, 30]);

    // The pauses between the model's words keep its side; 400 ms of silence give the visitor theirs back.
    const silentAt = performance.now();
    host.source.outputLevel = 0;
    await waitUntil(() => side() === 'user', "the visitor's side", { timeout: 3000, interval: 10 });
    expect(performance.now() - silentAt, 'held through a pause').to.be.above(300);
    await waitUntil(() => level() === '0.900', "the visitor's level");
    bar = place(spans[1]);
    expect(getComputedStyle(spans[1]).backgroundColor).to.equal('rgb(255, 0, 0)');
    expect(bar.width).to.be.closeTo(4, 0.1);

    // Muted, the element passes no microphone level: the visitor's side, and no level.
    host.source.inputLevel = 0;
    await waitUntil(() => level() === '0', 'no level');
    expect(side()).to.equal('user');

    host.source.active = false;
    host.requestUpdate();
    await host.updateComplete;
    expect(side(), 'no side once the session ends').to.be.undefined;
  });

  it('writes the side only when it changes, and nothing while the level holds still', async () => {
    const writes: string[] = [];
    const observer = new MutationObserver((records) => writes.push(...records.map((record) => record.attributeName!)));
    observer.observe(visualizer, { attributes: true, attributeFilter: ['style', 'data-side'] });
    activate(0, 0.2);
    await aTimeout(600);
    expect(writes.sort(), 'the side and the level, once each').to.deep.equal(['data-side', 'style']);
    writes.length = 0;
    // A short pause in the model's voice: the level falls and rises, the side stays.
    host.source.outputLevel = 0.001;
    await aTimeout(150);
    host.source.outputLevel = 0.2;
    await aTimeout(400);
    observer.disconnect();
    expect(writes.filter((name) => name === 'data-side'), 'no side written').to.deep.equal([]);
    expect(writes.length, 'the level, down and up again').to.be.within(1, 2);
    expect(side()).to.equal('model');
  });

  it("gives the model's side a default colour of its own, with contrast on the background", async () => {
    host.style.removeProperty('--gemini-live-accent');
    host.style.removeProperty('--gemini-live-model-meter');
    activate(0, 0.2);
    await waitUntil(() => side() === 'model', "the model's side");
    const model = getComputedStyle(spans[0]).backgroundColor;
    expect(model, 'the visualizer carries it for the canvas').to.equal(getComputedStyle(visualizer).color);
    const probe = document.createElement('div');
    host.shadowRoot!.append(probe);
    probe.style.color = 'var(--gemini-live-background)';
    const background = getComputedStyle(probe).color;
    probe.style.color = 'var(--gemini-live-accent)';
    const accent = getComputedStyle(probe).color;
    probe.remove();
    expect(model).not.to.equal(accent);
    expect(contrast(model, background), 'non-text contrast (WCAG 1.4.11)').to.be.above(4.5);
  });
});
