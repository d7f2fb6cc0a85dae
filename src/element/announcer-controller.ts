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
  // The transcript last looked at, and how many of its leading turns are final and announced: a caption piece
  // looks at the turns after those only, however long the conversation.
  private seen: readonly Turn[] | null = null;
  private settled = 0;

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
    const turns = this.turns();
    if (turns === this.seen) return;
    // A shorter transcript is another one (cleared or replaced): look at all of it.
    if (turns.length < this.settled || (this.settled > 0 && turns[this.settled - 1] !== this.seen?.[this.settled - 1])) {
      this.settled = 0;
    }
    this.seen = turns;
    let strings: GeminiLiveStrings | undefined;
    const phrases: string[] = [];
    let leading = true;
    for (let i = this.settled; i < turns.length; i++) {
      const turn = turns[i];
      if (leading && turn.final) this.settled = i + 1;
      else leading = false;
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
