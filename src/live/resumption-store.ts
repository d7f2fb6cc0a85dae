import { isObject, type Json } from '../shared/json.js';
import type { Turn } from './types.js';

/** Session resumption handles are valid for two hours on the service. */
export const HANDLE_LIFETIME_MS = 2 * 60 * 60 * 1000;

/** A turn as kept across a reload: what was said (or heard, for an interrupted answer), by whom and when. */
export type StoredTurn = Pick<Turn, 'role' | 'at' | 'text' | 'interrupted' | 'endReason'>;

const isStoredTurn = (value: unknown): value is StoredTurn =>
  isObject(value) &&
  (value.role === 'user' || value.role === 'model') &&
  typeof value.at === 'number' &&
  typeof value.text === 'string' &&
  (value.interrupted === undefined || value.interrupted === true) &&
  (value.endReason === undefined || typeof value.endReason === 'string');

/**
 * Keeps the newest resumption handle in `sessionStorage` (per tab), with its age, so a reload continues the same
 * conversation, and next to it the conversation's turns, so the reloaded page shows them. Both live in one record:
 * they are kept and cleared together. Storage failures (private mode, quota, a sandboxed frame) are ignored:
 * resumption is a bonus, and a record that cannot be read is dropped.
 */
export class ResumptionStore {
  constructor(
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  load(): string | undefined {
    const stored = this.read();
    if (stored?.handle === undefined) return undefined;
    if (typeof stored.handle !== 'string' || typeof stored.savedAt !== 'number') return this.clear();
    if (this.now() - stored.savedAt > HANDLE_LIFETIME_MS || stored.savedAt > this.now() + 60_000) return this.clear();
    return stored.handle;
  }

  save(handle: string): void {
    this.write({ ...this.read(), handle, savedAt: this.now() });
  }

  /** The kept turns, oldest first; none when there are none, or when they cannot be read (then they are dropped). */
  loadTurns(): StoredTurn[] {
    const stored = this.read();
    if (stored?.turns === undefined) return [];
    if (Array.isArray(stored.turns) && stored.turns.every(isStoredTurn)) return stored.turns;
    const { turns: _unreadable, ...rest } = stored;
    this.write(rest);
    return [];
  }

  /** Keeps `turns` (those with text) next to the handle. */
  saveTurns(turns: readonly Turn[]): void {
    const kept = turns
      .filter((turn) => turn.text)
      .map(({ role, at, text, interrupted, endReason }): StoredTurn => ({ role, at, text, ...(interrupted ? { interrupted } : {}), ...(endReason ? { endReason } : {}) }));
    this.write({ ...this.read(), turns: kept });
  }

  clear(): undefined {
    try {
      sessionStorage.removeItem(this.key);
    } catch {
      // Nothing stored, or storage unavailable.
    }
    return undefined;
  }

  private read(): Json | undefined {
    try {
      const stored: unknown = JSON.parse(sessionStorage.getItem(this.key) ?? 'null');
      return isObject(stored) ? stored : undefined;
    } catch {
      return undefined;
    }
  }

  private write(record: Json): void {
    try {
      sessionStorage.setItem(this.key, JSON.stringify(record));
    } catch {
      // Storage unavailable or full: the handle still lives in memory for reconnects.
    }
  }
}

/** The default storage key: one conversation per model and page path. */
export function defaultResumeKey(model: string): string {
  const path = typeof location === 'undefined' ? '' : location.pathname;
  return `gemini-live:resume:${model}:${path}`;
}
