import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Turn } from '../live/types.js';
import type { GeminiLiveStrings } from './strings.js';

/**
 * The live-region announcer: after each update, the turns that became final since the last one are put into
 * one polite announcement ("Assistant: …"), so a screen reader hears whole phrases, never partial ones.
 */
export class AnnouncerController implements ReactiveController {
  private readonly announced = new Set<string>();
  private text = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly turns: () => readonly Turn[],
    private readonly strings: () => GeminiLiveStrings,
  ) {
    host.addController(this);
  }

  /** What the live region says now. */
  get announcement(): string {
    return this.text;
  }

  hostUpdated(): void {
    let strings: GeminiLiveStrings | undefined;
    const phrases: string[] = [];
    for (const turn of this.turns()) {
      if (!turn.final || this.announced.has(turn.id)) continue;
      this.announced.add(turn.id);
      if (!turn.text.trim()) continue;
      strings ??= this.strings();
      const speaker = turn.role === 'user' ? strings.user : strings.model;
      const suffix = turn.interrupted ? ` ${strings.interrupted}` : '';
      phrases.push(`${speaker}: ${turn.text}${suffix}`);
    }
    if (!phrases.length) return;
    const text = phrases.join(' ');
    if (text === this.text) return;
    this.text = text;
    this.host.requestUpdate();
  }
}
