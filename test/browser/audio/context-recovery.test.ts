import { expect } from '@open-wc/testing';
import { keepContextRunning } from '../../../src/audio/context-recovery.js';
import { sleep, waitFor } from './helpers.js';

/**
 * A stand-in for an AudioContext as a phone treats it: its state is set by the test (and by `resume`, which does
 * what the test says), and its clock runs at the wall clock's pace while it says "running", unless frozen.
 */
class FakeContext extends EventTarget {
  resumeCalls: string[] = [];
  /** What `resume` does: run (and resolve), reject, or leave the context as it is and resolve. */
  onResume: 'run' | 'reject' | 'nothing' = 'run';
  frozen = false;
  private currentState = 'running';
  private clock = 0;
  private since = performance.now();

  get state(): string {
    return this.currentState;
  }

  get currentTime(): number {
    const now = performance.now();
    if (this.currentState === 'running' && !this.frozen) this.clock += (now - this.since) / 1000;
    this.since = now;
    return this.clock;
  }

  /** Moves to `state` and fires `statechange`, as the browser would. */
  become(state: string): void {
    void this.currentTime;
    this.currentState = state;
    this.dispatchEvent(new Event('statechange'));
  }

  resume(): Promise<void> {
    this.resumeCalls.push(this.currentState);
    if (this.onResume === 'reject') return Promise.reject(new DOMException('Failed to start the audio device', 'InvalidStateError'));
    if (this.onResume === 'run' && this.currentState !== 'running') this.become('running');
    return Promise.resolve();
  }
}

/** Makes `document.visibilityState` read `state` (an own property over Document.prototype's getter) and says so. */
function showPage(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

// The clock check takes 600 ms; this is comfortably past it.
const AFTER_CHECK_MS = 1000;

describe('keepContextRunning (a stand-in context whose state and clock the test sets)', () => {
  let context: FakeContext;
  let lost: number;
  let stop: () => void;

  const watch = (initial = 'running') => {
    context = new FakeContext();
    if (initial !== 'running') context.become(initial);
    lost = 0;
    stop = keepContextRunning(context as unknown as AudioContext, () => context.resume(), () => lost++);
  };

  afterEach(() => {
    stop?.();
    delete (document as Partial<Document> & { visibilityState?: unknown }).visibilityState;
  });

  it('does not resume during an interruption, and keeps a context that comes back with a moving clock', async () => {
    watch();
    context.become('interrupted');
    await sleep(50);
    expect(context.resumeCalls, 'a resume during an interruption can break the context').to.deep.equal([]);
    context.become('running');
    await sleep(AFTER_CHECK_MS);
    expect(lost).to.equal(0);
    expect(context.resumeCalls).to.deep.equal([]);
  });

  it('resumes a context the interruption left suspended, and keeps it when its clock moves', async () => {
    watch();
    context.become('interrupted');
    context.become('suspended');
    expect(context.resumeCalls).to.deep.equal(['suspended']);
    await sleep(AFTER_CHECK_MS);
    expect(context.state).to.equal('running');
    expect(lost).to.equal(0);
  });

  it('reports a context that says "running" after an interruption while its clock stands still', async () => {
    watch();
    context.become('interrupted');
    context.frozen = true;
    const since = performance.now();
    context.become('running');
    await waitFor(() => lost > 0, { timeout: 3000, message: 'the lost context reported' });
    // Within the ~0.5–1 s check, not at once: a clock is given time to move.
    expect(performance.now() - since).to.be.within(500, 1500);
    expect(lost).to.equal(1);
  });

  it('reports a context whose resume rejects after the interruption ended', async () => {
    watch();
    context.become('interrupted');
    context.onResume = 'reject';
    context.become('suspended');
    await waitFor(() => lost > 0, { timeout: 1000, message: 'the lost context reported' });
    expect(context.resumeCalls).to.deep.equal(['suspended']);
  });

  it('keeps waiting when a resume is refused while still interrupted (the call goes on)', async () => {
    watch();
    context.become('interrupted');
    context.onResume = 'reject';
    // A tap during the call resumes by hand, which the system refuses.
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    expect(context.resumeCalls).to.deep.equal(['interrupted']);
    await sleep(AFTER_CHECK_MS);
    expect(lost).to.equal(0);
  });

  it('resumes a context still interrupted once the page has been back in view for a moment', async () => {
    watch();
    context.become('interrupted');
    showPage('hidden');
    showPage('visible');
    await sleep(300);
    expect(context.resumeCalls, 'the system is given time to end the interruption itself').to.deep.equal([]);
    await waitFor(() => context.resumeCalls.length > 0, { timeout: 2000, message: 'a resume by hand' });
    expect(context.resumeCalls).to.deep.equal(['interrupted']);
    await sleep(AFTER_CHECK_MS);
    expect(context.state).to.equal('running');
    expect(lost).to.equal(0);
  });

  it('checks the clock again at the next gesture, and reports it lost again while it stands still', async () => {
    watch();
    context.become('interrupted');
    context.frozen = true;
    context.become('running');
    await waitFor(() => lost === 1, { timeout: 3000, message: 'the first report' });
    document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, composed: true, key: 'a' }));
    await waitFor(() => lost === 2, { timeout: 3000, message: 'the second report' });
  });

  it('never reports a context that has not run (a new one may be waiting for a gesture)', async () => {
    watch('suspended');
    context.onResume = 'reject';
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await sleep(100);
    expect(context.resumeCalls.length).to.be.greaterThan(0);
    expect(lost).to.equal(0);
  });

  it('stops watching once stopped', async () => {
    watch();
    stop();
    context.become('suspended');
    expect(context.resumeCalls).to.deep.equal([]);
    context.frozen = true;
    context.become('running');
    await sleep(AFTER_CHECK_MS);
    expect(lost).to.equal(0);
  });
});
