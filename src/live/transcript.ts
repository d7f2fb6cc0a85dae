import type { Turn } from './types.js';
import type { StoredTurn } from './resumption-store.js';

type MutableTurn = { -readonly [K in keyof Turn]: Turn[K] };

let nextId = 0;

/**
 * The conversation as turns. Transcription pieces arrive in fragments and are appended to the current turn of
 * their side; a turn becomes final when the other side starts, at `turnComplete`, or when the user's input ends.
 * The user's words may arrive after the model began answering: they still go into a user turn before the answer.
 */
export class TranscriptModel {
  private readonly turns: MutableTurn[] = [];
  /** A frozen copy of each turn as of its last change: only the turn that changed is copied again. */
  private readonly frozen: Turn[] = [];
  private readonly listeners = new Set<(turn: Turn, transcript: readonly Turn[]) => void>();
  private snapshotCache: readonly Turn[] = Object.freeze([]);
  /** Length of the interim (not yet final) tail of a turn's text, while it has one. */
  private readonly interimLength = new Map<MutableTurn, number>();

  /** Turns, oldest first. Returns frozen copies, so callers can keep them. */
  get snapshot(): readonly Turn[] {
    return this.snapshotCache;
  }

  /** Called after every change with the changed turn and the whole transcript. */
  subscribe(listener: (turn: Turn, transcript: readonly Turn[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The open (non-final) turn of `role`, if it is the latest turn of that role. */
  private open(role: Turn['role']): MutableTurn | undefined {
    for (let i = this.turns.length - 1; i >= 0; i -= 1) {
      const turn = this.turns[i];
      if (turn.role === role) return turn.final ? undefined : turn;
    }
    return undefined;
  }

  private emit(turn: MutableTurn): void {
    // Changes happen to the latest turns, so the search from the end is short.
    const index = this.turns.lastIndexOf(turn);
    const frozen = Object.freeze({ ...turn });
    this.frozen[index] = frozen;
    this.snapshotCache = Object.freeze(this.frozen.slice());
    for (const listener of this.listeners) listener(frozen, this.snapshotCache);
  }

  /**
   * The open turn of `role`, or a new one. A new user turn goes before a model turn that is still being
   * answered: input transcription comes independently of the answer and may follow its first words.
   */
  private openOrCreate(role: Turn['role']): MutableTurn {
    const open = this.open(role);
    if (open) return open;
    const turn: MutableTurn = { id: `turn-${(nextId += 1)}`, role, at: Date.now(), text: '', final: false };
    const last = this.turns[this.turns.length - 1];
    const at = role === 'user' && last?.role === 'model' && !last.final ? this.turns.length - 1 : this.turns.length;
    this.turns.splice(at, 0, turn);
    this.frozen.splice(at, 0, Object.freeze({ ...turn }));
    return turn;
  }

  /**
   * Appends a piece of text to the open turn of `role`, opening one when there is none; it replaces an interim
   * caption. Returns the turn's id.
   */
  append(role: Turn['role'], piece: string): string | undefined {
    if (!piece) return undefined;
    const turn = this.openOrCreate(role);
    this.dropInterim(turn);
    turn.text += piece;
    this.emit(turn);
    return turn.id;
  }

  /** Shows `text` as the interim end of the open turn of `role` until final pieces replace it. */
  interim(role: Turn['role'], text: string): void {
    const turn = this.openOrCreate(role);
    this.dropInterim(turn);
    turn.text += text;
    if (text) this.interimLength.set(turn, text.length);
    this.emit(turn);
  }

  private dropInterim(turn: MutableTurn): void {
    const length = this.interimLength.get(turn);
    if (length === undefined) return;
    this.interimLength.delete(turn);
    turn.text = turn.text.slice(0, turn.text.length - length);
  }

  /** Notes why the service ended model turn `id` early (its `turnCompleteReason`). */
  markEnded(id: string, reason: string): void {
    const turn = this.turns.find((candidate) => candidate.id === id);
    if (!turn || !reason) return;
    turn.endReason = reason;
    this.emit(turn);
  }

  /** Puts back the turns of an earlier page (with `resume`), all final, when nothing has been said yet. */
  restore(turns: readonly StoredTurn[]): void {
    if (this.turns.length || !turns.length) return;
    for (const { role, at, text, interrupted, endReason } of turns) {
      const turn: MutableTurn = { id: `turn-${(nextId += 1)}`, role, at, text, final: true };
      if (interrupted) turn.interrupted = true;
      if (endReason) turn.endReason = endReason;
      this.turns.push(turn);
      this.frozen.push(Object.freeze({ ...turn }));
    }
    this.emit(this.turns[this.turns.length - 1]);
  }

  /** Adds a complete turn at once (typed text). */
  add(role: Turn['role'], text: string): Turn {
    this.finish(role);
    const turn: MutableTurn = { id: `turn-${(nextId += 1)}`, role, at: Date.now(), text, final: true };
    this.turns.push(turn);
    this.emit(turn);
    return this.snapshot[this.snapshot.length - 1];
  }

  /** Marks the open turn of `role` final. */
  finish(role: Turn['role']): void {
    const turn = this.open(role);
    if (!turn) return;
    // An interim caption that no final piece replaced is the best account of what was said.
    this.interimLength.delete(turn);
    turn.final = true;
    turn.text = turn.text.trim();
    this.emit(turn);
  }

  /**
   * Marks the open model turn (or, with `id`, that model turn, which may already be final because its caption
   * was `finished`) as interrupted and final. Returns the turn's id, for a {@link trim} once the share of its
   * audio that was actually heard is known.
   */
  interrupt(id?: string): string | undefined {
    const turn = id ? this.turns.find((candidate) => candidate.id === id && candidate.role === 'model') : this.open('model');
    if (!turn) return undefined;
    turn.interrupted = true;
    turn.final = true;
    turn.text = turn.text.trim();
    this.emit(turn);
    return turn.id;
  }

  /**
   * Cuts the text of turn `id` back to about `heardFraction` (0-1, the share of its audio that was played) of
   * it, at a word boundary.
   */
  trim(id: string, heardFraction: number): void {
    const turn = this.turns.find((candidate) => candidate.id === id);
    if (!turn || !Number.isFinite(heardFraction) || heardFraction >= 1) return;
    turn.text = trimToFraction(turn.text, Math.max(0, heardFraction));
    this.emit(turn);
  }

  /** Makes every open turn final (end of a session). */
  finishAll(): void {
    this.finish('user');
    this.finish('model');
  }
}

/** Keeps about `fraction` of `text`, ending at a word boundary. */
export function trimToFraction(text: string, fraction: number): string {
  const trimmed = text.trim();
  if (!Number.isFinite(fraction) || fraction >= 1) return trimmed;
  const cut = Math.round(trimmed.length * fraction);
  if (cut <= 0) return '';
  const boundary = trimmed.lastIndexOf(' ', cut);
  const end = boundary > 0 && cut - boundary < 24 ? boundary : cut;
  return `${trimmed.slice(0, end).trimEnd()}…`;
}
