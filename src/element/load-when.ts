import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Loads what only some states need (a chunk of its own, say) the first time `when()` holds after an update; a
 * load that fails is tried again at a later update.
 */
export class LoadWhen implements ReactiveController {
  private loading = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly when: () => boolean,
    private readonly load: () => Promise<unknown>,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    if (this.loading || !this.when()) return;
    this.loading = true;
    this.load().then(
      () => this.host.requestUpdate(),
      () => (this.loading = false),
    );
  }
}
