import { expect, html } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import '../../../src/gemini-live.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import { engineOf, liveElement, part } from '../../support/element.js';
import { recordOutput } from '../audio/helpers.js';

/** A stub of `WakeLockSentinel`: the test lets it go as the browser does when the page is hidden. */
class StubSentinel extends EventTarget {
  released = false;
  releaseCalls = 0;

  release(): Promise<void> {
    this.releaseCalls++;
    this.letGo();
    return Promise.resolve();
  }

  /** What the browser does to a lock when the page is hidden. */
  letGo(): void {
    if (this.released) return;
    this.released = true;
    this.dispatchEvent(new Event('release'));
  }
}

/** A stub of `navigator.wakeLock` that grants every request, or refuses each with `refuse`. */
class StubWakeLock {
  readonly types: string[] = [];
  readonly sentinels: StubSentinel[] = [];
  constructor(private readonly refuse?: DOMException) {}

  request(type: string): Promise<StubSentinel> {
    this.types.push(type);
    if (this.refuse) return Promise.reject(this.refuse);
    const sentinel = new StubSentinel();
    this.sentinels.push(sentinel);
    return Promise.resolve(sentinel);
  }

  /** Sentinels not yet released. */
  get held(): StubSentinel[] {
    return this.sentinels.filter((sentinel) => !sentinel.released);
  }
}

/** Puts `value` in place of `navigator[name]` (an own property over Navigator.prototype's getter, or none). */
function stubNavigator(name: 'wakeLock' | 'audioSession', value: unknown): void {
  Object.defineProperty(navigator, name, { configurable: true, value });
}

function unstubNavigator(): void {
  for (const name of ['wakeLock', 'audioSession']) delete (navigator as unknown as Record<string, unknown>)[name];
}

/** Makes `document.visibilityState` read `state` and fires `visibilitychange`, as hiding or showing the tab does. */
function showPage(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Records what reaches the console and any page error or unhandled rejection, until `restore()`. */
function recordConsole(): { messages: string[]; restore(): void } {
  const messages: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((method) => console[method]);
  for (const method of methods) {
    console[method] = (...args: unknown[]) => messages.push(`${method}: ${args.map(String).join(' ')}`);
  }
  const onError = (event: ErrorEvent) => messages.push(`page error: ${event.message}`);
  const onRejection = (event: PromiseRejectionEvent) => messages.push(`unhandled rejection: ${String(event.reason)}`);
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return {
    messages,
    restore() {
      methods.forEach((method, i) => (console[method] = originals[i]));
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
    },
  };
}

describe('<gemini-live> on phones', () => {
  const elements: GeminiLiveElement[] = [];
  const live = async (template = html`<gemini-live></gemini-live>`) => {
    const el = await liveElement(template);
    elements.push(el);
    return el;
  };

  beforeEach(async () => {
    await resetSimulator({ speed: 4 });
  });

  afterEach(async () => {
    for (const el of elements.splice(0)) {
      await el.stop();
      el.remove();
    }
    unstubNavigator();
    delete (document as Partial<Document> & { visibilityState?: unknown }).visibilityState;
  });

  it('(stubbed navigator.wakeLock and navigator.audioSession) holds the screen lock and the call audio session while a conversation runs, and gives both back at stop()', async () => {
    const wakeLock = new StubWakeLock();
    const audioSession = { type: 'auto' };
    stubNavigator('wakeLock', wakeLock);
    stubNavigator('audioSession', audioSession);
    const el = await live();
    expect(wakeLock.types, 'nothing before the visitor starts').to.deep.equal([]);
    expect(audioSession.type).to.equal('auto');
    await el.start();
    expect(el.state).to.equal('listening');
    expect(wakeLock.types).to.deep.equal(['screen']);
    expect(wakeLock.held).to.have.length(1);
    expect(audioSession.type).to.equal('play-and-record');
    await el.stop();
    expect(wakeLock.sentinels[0].releaseCalls).to.equal(1);
    expect(wakeLock.held).to.have.length(0);
    expect(audioSession.type).to.equal('auto');
  });

  it('(stubbed navigator.wakeLock) takes the lock again when the page is shown after the browser let it go while hidden', async () => {
    const wakeLock = new StubWakeLock();
    stubNavigator('wakeLock', wakeLock);
    const el = await live();
    await el.start();
    expect(wakeLock.held).to.have.length(1);
    showPage('hidden');
    wakeLock.sentinels[0].letGo();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wakeLock.types, 'a hidden page is not granted the lock: it is not asked').to.have.length(1);
    showPage('visible');
    await waitFor(() => wakeLock.held.length === 1, { message: 'the lock taken again' });
    expect(wakeLock.types).to.deep.equal(['screen', 'screen']);
    // Shown again while still held: nothing more is asked for.
    showPage('visible');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wakeLock.types).to.have.length(2);
    await el.stop();
    expect(wakeLock.held).to.have.length(0);
    showPage('hidden');
    showPage('visible');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wakeLock.types, 'nothing after stop()').to.have.length(2);
  });

  it('(stubbed navigator.audioSession) with two conversations on the page, puts the type back only when the last one ends', async () => {
    const audioSession = { type: 'ambient' };
    stubNavigator('audioSession', audioSession);
    const first = await live();
    const second = await live();
    await first.start();
    await second.start();
    expect(audioSession.type).to.equal('play-and-record');
    await first.stop();
    expect(audioSession.type, 'the other conversation still has its microphone open').to.equal('play-and-record');
    await second.stop();
    expect(audioSession.type).to.equal('ambient');
    // A new conversation afterwards sets it and puts it back again.
    await first.start();
    expect(audioSession.type).to.equal('play-and-record');
    await first.stop();
    expect(audioSession.type).to.equal('ambient');
  });

  it('(stubbed navigator.audioSession) leaves a type the page set during the conversation', async () => {
    const audioSession = { type: 'auto' };
    stubNavigator('audioSession', audioSession);
    const el = await live();
    await el.start();
    audioSession.type = 'playback';
    await el.stop();
    expect(audioSession.type).to.equal('playback');
  });

  it('(stubbed navigator.wakeLock and navigator.audioSession) gives both back when the element is removed or the server ends the conversation', async () => {
    const wakeLock = new StubWakeLock();
    const audioSession = { type: 'auto' };
    stubNavigator('wakeLock', wakeLock);
    stubNavigator('audioSession', audioSession);
    const removed = await live();
    await removed.start();
    removed.remove();
    await waitFor(() => wakeLock.held.length === 0 && audioSession.type === 'auto', { message: 'released on removal' });
    const ended = await live();
    await ended.start();
    expect(wakeLock.held).to.have.length(1);
    expect(audioSession.type).to.equal('play-and-record');
    await control({ action: 'close', code: 1008, reason: 'Policy violation' });
    await waitFor(() => ended.state === 'error', { message: 'the conversation ended by the server' });
    await waitFor(() => wakeLock.held.length === 0 && audioSession.type === 'auto', { message: 'released when the server ended it' });
  });

  it('(stubbed navigator.wakeLock refusing with NotAllowedError, no navigator.audioSession) talks as usual and says nothing about it', async () => {
    const wakeLock = new StubWakeLock(new DOMException('Wake lock is disallowed by permissions policy', 'NotAllowedError'));
    stubNavigator('wakeLock', wakeLock);
    stubNavigator('audioSession', undefined);
    const recorded = recordConsole();
    try {
      const el = await live();
      const errors: string[] = [];
      el.addEventListener('gemini-live-error', (event) => errors.push(event.detail.code));
      await el.start();
      expect(wakeLock.types).to.deep.equal(['screen']);
      showPage('hidden');
      showPage('visible');
      await waitFor(() => wakeLock.types.length === 2, { message: 'asked again when shown' });
      await control({ action: 'turn', text: 'All fine.', outputTranscript: ['All fine.'], audioSeconds: 0.3 });
      await waitFor(() => el.transcript.some((turn) => turn.role === 'model' && turn.final), { message: 'an answer' });
      await el.stop();
      expect(errors).to.deep.equal([]);
      expect(recorded.messages).to.deep.equal([]);
    } finally {
      recorded.restore();
    }
  });

  it("(navigator.wakeLock and navigator.audioSession stubbed away) talks as usual and says nothing where they are missing", async () => {
    stubNavigator('wakeLock', undefined);
    stubNavigator('audioSession', undefined);
    const recorded = recordConsole();
    try {
      const el = await live();
      await el.start();
      showPage('hidden');
      showPage('visible');
      expect(el.state).to.equal('listening');
      await el.stop();
      expect(recorded.messages).to.deep.equal([]);
    } finally {
      recorded.restore();
    }
  });

  it("with the engine's own navigator.wakeLock (granted, refused or missing), a conversation starts and stops without a console message", async () => {
    const recorded = recordConsole();
    try {
      const el = await live();
      await el.start();
      expect(el.state).to.equal('listening');
      await el.stop();
      // A refused or pending request settles after stop(): give it a moment to (not) say something.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(recorded.messages).to.deep.equal([]);
    } finally {
      recorded.restore();
    }
  });

  it('starts from a real click: the AudioContext is created and resumed inside the click, runs, and plays the voice', async () => {
    const el = await live();
    // What happens while the click is being dispatched: from the window's capture listener to its bubble one.
    let inClick = false;
    const markStart = () => (inClick = true);
    const markEnd = () => (inClick = false);
    addEventListener('click', markStart, true);
    addEventListener('click', markEnd);
    const calls: Array<{ what: string; inClick: boolean; activation: boolean | undefined }> = [];
    const activation = () => (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation?.isActive;
    const Original = window.AudioContext;
    const resume = Original.prototype.resume;
    window.AudioContext = class extends Original {
      constructor(options?: AudioContextOptions) {
        super(options);
        calls.push({ what: 'create', inClick, activation: activation() });
      }
    };
    Original.prototype.resume = function (this: AudioContext) {
      calls.push({ what: 'resume', inClick, activation: activation() });
      return resume.call(this);
    };
    try {
      const box = part(el, 'toggle')!.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
      await waitFor(() => el.state === 'listening', { message: 'listening after the click' });
    } finally {
      window.AudioContext = Original;
      Original.prototype.resume = resume;
      removeEventListener('click', markStart, true);
      removeEventListener('click', markEnd);
      await resetMouse();
    }
    expect(calls[0]).to.include({ what: 'create', inClick: true });
    expect(calls[1]).to.include({ what: 'resume', inClick: true });
    // A real click gives the page user activation (a scripted click() would not): audio may start inside it.
    expect(calls[1].activation, 'user activation during the resume').to.be.true;
    const engine = engineOf(el)!;
    expect(engine.context.state).to.equal('running');
    const before = engine.context.currentTime;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(engine.context.currentTime - before, 'the clock moves').to.be.greaterThan(0.1);
    const playback = (engine as unknown as { playback: { node: AudioNode } }).playback.node;
    const output = await recordOutput(engine.context, playback);
    await control({ action: 'turn', text: 'You can hear me.', outputTranscript: ['You can hear me.'], audioSeconds: 1 });
    await waitFor(() => loudBlocks(output.samples()) > 20, { message: 'the voice playing' });
    output.stop();
  });
});

/** How many 10 ms blocks (at 48 kHz or less) of `samples` are clearly audible. */
function loudBlocks(samples: Float32Array): number {
  let count = 0;
  for (let i = 0; i + 480 <= samples.length; i += 480) {
    let sum = 0;
    for (let j = i; j < i + 480; j++) sum += samples[j] * samples[j];
    if (Math.sqrt(sum / 480) > 0.01) count++;
  }
  return count;
}
