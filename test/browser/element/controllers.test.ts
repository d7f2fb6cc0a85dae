// The element's reactive controllers and helpers, each on a bare ReactiveElement host: created, connected,
// disconnected (and then released).
import { aTimeout, expect, nextFrame, waitUntil } from '@open-wc/testing';
import { ReactiveElement } from 'lit';
import type { Turn } from '../../../src/live/types.js';
import { PushToTalkController } from '../../../src/element/push-to-talk-controller.js';
import { LevelAnimationController } from '../../../src/element/level-animation-controller.js';
import { AnnouncerController } from '../../../src/element/announcer-controller.js';
import { en } from '../../../src/element/strings.js';
import { uiLanguage } from '../../../src/element/language.js';
import { followPanelFocus } from '../../../src/element/panel-focus.js';

/** A host that counts its updates. */
class TestHost extends ReactiveElement {
  updates = 0;
  protected override update(changed: Map<PropertyKey, unknown>): void {
    this.updates += 1;
    super.update(changed);
  }
}
customElements.define('controller-test-host', TestHost);

function newHost(): TestHost {
  return document.createElement('controller-test-host') as TestHost;
}

function space(type: 'keydown' | 'keyup', init: KeyboardEventInit = {}): KeyboardEvent {
  return new KeyboardEvent(type, { key: ' ', bubbles: true, composed: true, cancelable: true, ...init });
}

describe('PushToTalkController', () => {
  let host: TestHost;
  let calls: string[];
  let target: { connected: boolean; talkStart(): void; talkEnd(): void };
  let enabled: boolean;
  let talk: PushToTalkController;

  beforeEach(() => {
    host = newHost();
    calls = [];
    target = { connected: true, talkStart: () => calls.push('start'), talkEnd: () => calls.push('end') };
    enabled = true;
    talk = new PushToTalkController(host, target, () => enabled);
  });

  afterEach(() => host.remove());

  it('listens for Space only while the host is connected', async () => {
    host.dispatchEvent(space('keydown'));
    expect(calls).to.deep.equal([]);

    document.body.append(host);
    await host.updateComplete;
    const before = host.updates;
    const down = space('keydown');
    host.dispatchEvent(down);
    expect(down.defaultPrevented).to.be.true;
    expect(talk.talking).to.be.true;
    host.dispatchEvent(space('keydown', { repeat: true }));
    await host.updateComplete;
    expect(host.updates).to.equal(before + 1);
    host.dispatchEvent(space('keyup'));
    expect(talk.talking).to.be.false;
    expect(calls).to.deep.equal(['start', 'end']);
  });

  it('ignores Space in a text field, other keys, and a session not connected or not in push-to-talk', async () => {
    document.body.append(host);
    const field = document.createElement('input');
    host.append(field);
    field.dispatchEvent(space('keydown'));
    host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    target.connected = false;
    host.dispatchEvent(space('keydown'));
    target.connected = true;
    enabled = false;
    const ignored = space('keydown');
    host.dispatchEvent(ignored);
    expect(ignored.defaultPrevented).to.be.false;
    expect(calls).to.deep.equal([]);
    expect(talk.talking).to.be.false;
  });

  it('talks while the primary pointer holds the control, capturing that pointer', () => {
    document.body.append(host);
    const captured: number[] = [];
    const press = (button: number) => {
      let prevented = false;
      talk.onPointerDown({
        button,
        pointerId: 7,
        currentTarget: { setPointerCapture: (id: number) => captured.push(id) },
        preventDefault: () => (prevented = true),
      } as unknown as PointerEvent);
      return prevented;
    };
    expect(press(2)).to.be.false;
    expect(talk.talking).to.be.false;
    expect(press(0)).to.be.true;
    expect(talk.talking).to.be.true;
    expect(captured).to.deep.equal([7]);
    talk.onPointerUp();
    talk.onPointerUp();
    expect(calls).to.deep.equal(['start', 'end']);
  });

  it('releases a held control and stops listening when the host is disconnected', async () => {
    document.body.append(host);
    host.dispatchEvent(space('keydown'));
    expect(talk.talking).to.be.true;
    host.remove();
    expect(talk.talking).to.be.false;
    host.dispatchEvent(space('keydown'));
    host.dispatchEvent(space('keyup'));
    expect(talk.talking).to.be.false;
    expect(calls).to.deep.equal(['start']);
  });
});

describe('LevelAnimationController', () => {
  let host: TestHost;
  let source: { active: boolean; inputLevel: number; outputLevel: number };
  let visualizer: HTMLElement;
  let levels: LevelAnimationController;
  const level = () => visualizer.style.getPropertyValue('--gemini-live-level');

  beforeEach(() => {
    host = newHost();
    source = { active: false, inputLevel: 0.1, outputLevel: 0.2 };
    visualizer = document.createElement('div');
    visualizer.style.height = '10px';
    document.body.append(visualizer);
    levels = new LevelAnimationController(host, source, () => visualizer);
  });

  afterEach(() => {
    host.remove();
    visualizer.remove();
  });

  async function activate() {
    document.body.append(host);
    source.active = true;
    host.requestUpdate();
    await host.updateComplete;
  }

  it('animates only while the session is active, writing the level of the side shown', async () => {
    document.body.append(host);
    await host.updateComplete;
    expect(levels.running).to.be.false;

    await activate();
    expect(levels.running).to.be.true;
    await waitUntil(() => level() === '0.600', 'the louder level, scaled', { timeout: 1000 });
    source.outputLevel = 0.9;
    await waitUntil(() => level() === '1.000', 'the new level', { timeout: 1000 });

    source.active = false;
    host.requestUpdate();
    await host.updateComplete;
    expect(levels.running).to.be.false;
    expect(level()).to.equal('0');
  });

  it('writes a few times a second at most, and only changes worth a restyle', async () => {
    let writes = 0;
    const observer = new MutationObserver((records) => (writes += records.length));
    observer.observe(visualizer, { attributes: true, attributeFilter: ['style'] });
    await activate();
    await aTimeout(600);
    expect(writes, 'a steady level is written once').to.equal(1);
    writes = 0;
    const changing = setInterval(() => (source.outputLevel = 0.01 + Math.random() * 0.3), 4);
    await aTimeout(2100);
    clearInterval(changing);
    observer.disconnect();
    // Far fewer than one per animation frame (the CSS transition eases between them), yet the level moves: at
    // least one write, since a page the browser treats as in the background runs its timers on whole seconds.
    expect(writes).to.be.within(1, 30);
  });

  it('stops while the visualizer is hidden, and goes on when it shows again', async () => {
    await activate();
    expect(levels.running).to.be.true;
    visualizer.style.display = 'none';
    await waitUntil(() => !levels.running, 'stopped while hidden', { timeout: 2000 });
    visualizer.style.display = '';
    await waitUntil(() => levels.running, 'running again', { timeout: 2000 });
  });

  it('stops when the host is disconnected', async () => {
    await activate();
    expect(levels.running).to.be.true;
    host.remove();
    expect(levels.running).to.be.false;
    visualizer.style.setProperty('--gemini-live-level', 'untouched');
    await aTimeout(300);
    await nextFrame();
    expect(level()).to.equal('untouched');
  });
});

describe('AnnouncerController', () => {
  const strings = en;
  let host: TestHost;
  let turns: Turn[];
  let announcer: AnnouncerController;

  beforeEach(() => {
    host = newHost();
    turns = [];
    announcer = new AnnouncerController(host, () => turns, () => strings);
  });

  afterEach(() => host.remove());

  it('announces each turn once, when it becomes final, and re-renders the host for it', async () => {
    document.body.append(host);
    await host.updateComplete;
    expect(announcer.announcement).to.equal('');

    turns = [
      { id: 'u1', role: 'user', at: 0, text: 'Hello', final: true },
      { id: 'm1', role: 'model', at: 0, text: 'Hi th', final: false },
    ];
    const before = host.updates;
    host.requestUpdate();
    await host.updateComplete;
    await host.updateComplete;
    expect(announcer.announcement).to.equal(`${strings.user}: Hello`);
    expect(host.updates).to.equal(before + 2);

    turns = [turns[0], { id: 'm1', role: 'model', at: 0, text: 'Hi there', final: true, interrupted: true }, { id: 'u2', role: 'user', at: 0, text: ' ', final: true }];
    host.requestUpdate();
    await host.updateComplete;
    expect(announcer.announcement).to.equal(`${strings.model}: Hi there ${strings.interrupted}`);
  });

  it('looks only at the turns after those already final, however long the transcript', async () => {
    document.body.append(host);
    const old: Turn[] = Array.from({ length: 500 }, (_, i) => ({ id: `t${i}`, role: i % 2 ? 'model' : 'user', at: 0, text: `turn ${i}`, final: true }));
    turns = old;
    host.requestUpdate();
    await host.updateComplete;
    expect(announcer.announcement).to.contain('turn 499');
    let reads = 0;
    const partial: Turn = { id: 'm', role: 'model', at: 0, text: 'Partial', final: false };
    turns = new Proxy([...old, partial], {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    host.requestUpdate();
    await host.updateComplete;
    expect(reads).to.be.below(10);
  });

  it('does not announce old turns again after the host is disconnected and connected', async () => {
    document.body.append(host);
    turns = [{ id: 'm1', role: 'model', at: 0, text: 'Done.', final: true }];
    host.requestUpdate();
    await host.updateComplete;
    expect(announcer.announcement).to.equal(`${strings.model}: Done.`);
    host.remove();
    document.body.append(host);
    turns = [...turns, { id: 'm2', role: 'model', at: 0, text: 'More.', final: true }];
    host.requestUpdate();
    await host.updateComplete;
    expect(announcer.announcement).to.equal(`${strings.model}: More.`);
  });
});

describe('uiLanguage', () => {
  it('prefers the element\'s lang, then language, then the nearest lang around it, then the browser\'s', () => {
    const outer = document.createElement('div');
    outer.lang = 'fr';
    const el = document.createElement('span');
    outer.append(el);
    document.body.append(outer);
    try {
      expect(uiLanguage(el, 'de-DE')).to.equal('de-DE');
      expect(uiLanguage(el, undefined)).to.equal('fr');
      el.lang = 'en';
      expect(uiLanguage(el, 'de-DE')).to.equal('en');
      outer.removeAttribute('lang');
      el.removeAttribute('lang');
      expect(uiLanguage(el, undefined)).to.equal(document.documentElement.lang || navigator.language);
    } finally {
      outer.remove();
    }
  });
});

describe('followPanelFocus', () => {
  it('focuses the toggle on open, and the launcher on close only when focus was inside', () => {
    const holder = document.createElement('div');
    const outside = document.createElement('button');
    document.body.append(holder, outside);
    const root = holder.attachShadow({ mode: 'open' });
    root.innerHTML = '<button part="launcher">l</button><button part="toggle">t</button>';
    const [launcher, toggle] = root.querySelectorAll('button');
    try {
      followPanelFocus(root, true);
      expect(root.activeElement).to.equal(toggle);
      followPanelFocus(root, false);
      expect(root.activeElement).to.equal(launcher);
      outside.focus();
      followPanelFocus(root, false);
      expect(document.activeElement).to.equal(outside);
      followPanelFocus(null, true);
    } finally {
      holder.remove();
      outside.remove();
    }
  });
});
