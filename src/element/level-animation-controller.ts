import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement;

/** Where the levels come from: the session's microphone and voice meters. */
export interface LevelSource {
  readonly active: boolean;
  readonly inputLevel: number;
  readonly outputLevel: number;
}

/**
 * The level animation: while a session is active, one animation frame after another writes the louder of the
 * two levels into `--gemini-live-level` on the visualizer, so the meter moves without re-rendering the element.
 */
export class LevelAnimationController implements ReactiveController {
  private frame = 0;

  constructor(
    private readonly host: Host,
    private readonly source: LevelSource,
    private readonly visualizer: () => HTMLElement | null | undefined,
  ) {
    host.addController(this);
  }

  /** An animation frame is pending. */
  get running(): boolean {
    return this.frame !== 0;
  }

  hostUpdated(): void {
    const active = this.source.active && this.host.isConnected;
    if (active && !this.frame) {
      const tick = () => {
        const level = Math.min(1, Math.max(this.source.inputLevel, this.source.outputLevel) * 3);
        this.visualizer()?.style.setProperty('--gemini-live-level', level.toFixed(3));
        this.frame = requestAnimationFrame(tick);
      };
      this.frame = requestAnimationFrame(tick);
    } else if (!active && this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.visualizer()?.style.setProperty('--gemini-live-level', '0');
    }
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
