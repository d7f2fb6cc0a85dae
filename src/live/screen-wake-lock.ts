/** `WakeLockSentinel` and `navigator.wakeLock`, declared here: not every TypeScript DOM library has them. */
interface WakeLockSentinelLike extends EventTarget {
  readonly released?: boolean;
  release(): Promise<void>;
}

interface WakeLockLike {
  request(type: 'screen'): Promise<WakeLockSentinelLike>;
}

/**
 * Keeps the screen on while a conversation runs, where the Screen Wake Lock API exists (Chrome 84, Firefox 126,
 * Safari 16.4; iOS 18.4 in home-screen apps). The browser lets the lock go whenever the page is hidden, so it is
 * asked for again each time the page is shown. A missing API or a refused request (`NotAllowedError`, an iframe
 * without `allow="screen-wake-lock"`) changes nothing and says nothing. It cannot stop the power button.
 */
export class ScreenWakeLock {
  private sentinel: WakeLockSentinelLike | null = null;
  private requesting = false;
  private disposed = false;
  private readonly onVisibility = () => this.request();

  constructor() {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.request();
  }

  /** Lets the lock go and stops asking for it. Safe to call more than once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    document.removeEventListener('visibilitychange', this.onVisibility);
    const sentinel = this.sentinel;
    this.sentinel = null;
    if (sentinel) letGo(sentinel);
  }

  private get held(): boolean {
    return this.sentinel !== null && this.sentinel.released !== true;
  }

  private request(): void {
    const wakeLock = (navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock;
    // A hidden page is refused the lock: it is asked for when the page is shown again.
    if (this.disposed || this.requesting || this.held || !wakeLock || document.visibilityState !== 'visible') return;
    this.requesting = true;
    let request: Promise<WakeLockSentinelLike>;
    try {
      request = Promise.resolve(wakeLock.request('screen'));
    } catch {
      this.requesting = false;
      return;
    }
    request.then(
      (sentinel) => {
        this.requesting = false;
        if (this.disposed) return letGo(sentinel);
        this.sentinel = sentinel;
        // Browsers without `released` still say so with an event.
        sentinel.addEventListener?.('release', () => {
          if (this.sentinel === sentinel) this.sentinel = null;
        });
      },
      () => {
        this.requesting = false;
      },
    );
  }
}

function letGo(sentinel: WakeLockSentinelLike): void {
  try {
    void Promise.resolve(sentinel.release()).catch(() => undefined);
  } catch {
    // Released already.
  }
}
