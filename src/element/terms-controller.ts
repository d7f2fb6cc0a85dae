import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement;

/** What `start()` rejects with when the visitor declines the terms. */
export class TermsDeclinedError extends Error {
  readonly code = 'terms-declined';
  override readonly name = 'TermsDeclinedError';

  constructor() {
    super('The terms were declined, so the conversation did not start.');
  }
}

// Keys accepted on this page: where storage is full or blocked, acceptance still holds until the page goes.
const acceptedHere = new Set<string>();

function accepted(key: string): boolean {
  if (acceptedHere.has(key)) return true;
  try {
    return localStorage.getItem(key) !== null;
  } catch {
    return false;
  }
}

function remember(key: string): void {
  acceptedHere.add(key);
  try {
    localStorage.setItem(key, new Date().toISOString());
  } catch {
    // Storage full or blocked (private mode, a sandboxed frame): the terms are asked for again on the next visit.
  }
}

interface Waiting {
  readonly start: () => Promise<void>;
  readonly promise: Promise<void>;
  resolve(started: Promise<void>): void;
  reject(error: Error): void;
}

/**
 * The consent gate: with content in the `terms` slot and a `terms-key`, a start first shows the terms, and what
 * it would start (microphone, token, socket) runs only once the visitor accepts, inside the accept click, so audio
 * may start there as in any gesture. Acceptance is kept in `localStorage` under the key.
 */
export class TermsController implements ReactiveController {
  private waiting: Waiting | null = null;
  private focusPending = false;

  constructor(
    private readonly host: Host,
    private readonly key: () => string | undefined,
    /** Where focus goes while the terms are shown, and where it goes back to once they are answered. */
    private readonly focusTargets: () => { terms?: HTMLElement | null; after?: HTMLElement | null },
  ) {
    host.addController(this);
  }

  /** The terms are shown, waiting for the visitor's answer. */
  get shown(): boolean {
    return this.waiting !== null;
  }

  /** A start would show the terms first: there are terms, a key, and no acceptance stored under it. */
  get required(): boolean {
    const key = this.key();
    return Boolean(key) && this.host.querySelector(':scope > [slot="terms"]') !== null && !accepted(key!);
  }

  /** The terms' text, for the announcement when they are shown. */
  get text(): string {
    const slotted = [...this.host.querySelectorAll(':scope > [slot="terms"]')];
    return slotted.map((node) => node.textContent?.replace(/\s+/g, ' ').trim() ?? '').join(' ');
  }

  /** Runs `start` at once where no terms need accepting; otherwise shows them and runs it on acceptance. */
  gate(start: () => Promise<void>): Promise<void> {
    if (this.waiting) return this.waiting.promise;
    if (!this.required) return start();
    let resolve!: (started: Promise<void>) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.waiting = { start, promise, resolve, reject };
    this.focusPending = true;
    this.host.requestUpdate();
    return promise;
  }

  readonly accept = (): void => {
    const waiting = this.answer();
    if (!waiting) return;
    remember(this.key()!);
    waiting.resolve(waiting.start());
  };

  readonly decline = (): void => {
    this.answer()?.reject(new TermsDeclinedError());
  };

  /** The start was called off (`stop()`, or the element left the page): the terms go, and start() rejects. */
  cancel(): void {
    this.answer()?.reject(new DOMException('The conversation was stopped before the terms were answered.', 'AbortError'));
  }

  hostUpdated(): void {
    if (!this.focusPending) return;
    this.focusPending = false;
    this.focusTargets()[this.waiting ? 'terms' : 'after']?.focus();
  }

  hostDisconnected(): void {
    this.cancel();
  }

  private answer(): Waiting | null {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) {
      this.focusPending = true;
      this.host.requestUpdate();
    }
    return waiting;
  }
}
