import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement;

/** What push-to-talk drives: the session's manual activity signals. */
export interface TalkTarget {
  readonly connected: boolean;
  talkStart(): void;
  talkEnd(): void;
}

function fromTextField(event: Event): boolean {
  const target = event.composedPath()[0];
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
}

/**
 * Push-to-talk input: the talk control held with the primary pointer, or Space held anywhere in the element
 * outside a text field. Listens on the host only while it is connected.
 */
export class PushToTalkController implements ReactiveController {
  private held = false;

  constructor(
    private readonly host: Host,
    private readonly target: TalkTarget,
    private readonly enabled: () => boolean,
  ) {
    host.addController(this);
  }

  /** The user is holding the talk control or Space now. */
  get talking(): boolean {
    return this.held;
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.onKeyDown);
    this.host.addEventListener('keyup', this.onKeyUp);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.onKeyDown);
    this.host.removeEventListener('keyup', this.onKeyUp);
    this.release();
  }

  /** Forgets a held control without signalling the session (it is ending or gone). */
  release(): void {
    this.set(false);
  }

  readonly onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    (event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId);
    event.preventDefault();
    this.begin();
  };

  readonly onPointerUp = () => this.end();

  private readonly onKeyDown = (event: KeyboardEvent) => {
    if (!this.enabled() || event.key !== ' ' || fromTextField(event)) return;
    event.preventDefault();
    if (!event.repeat) this.begin();
  };

  private readonly onKeyUp = (event: KeyboardEvent) => {
    if (!this.enabled() || event.key !== ' ' || fromTextField(event)) return;
    // Also keeps a focused button from being clicked by the released Space.
    event.preventDefault();
    this.end();
  };

  private begin(): void {
    if (!this.enabled() || this.held || !this.target.connected) return;
    this.set(true);
    this.target.talkStart();
  }

  private end(): void {
    if (!this.held) return;
    this.set(false);
    this.target.talkEnd();
  }

  private set(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    this.host.requestUpdate();
  }
}
