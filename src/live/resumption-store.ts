/** Session resumption handles are valid for two hours on the service. */
export const HANDLE_LIFETIME_MS = 2 * 60 * 60 * 1000;

interface StoredHandle {
  handle: string;
  savedAt: number;
}

/**
 * Keeps the newest resumption handle in `sessionStorage` (per tab), with its age, so a reload continues the same
 * conversation. Storage failures (private mode, quota, a sandboxed frame) are ignored: resumption is a bonus.
 */
export class ResumptionStore {
  constructor(
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  load(): string | undefined {
    try {
      const raw = sessionStorage.getItem(this.key);
      if (!raw) return undefined;
      const stored = JSON.parse(raw) as Partial<StoredHandle>;
      if (typeof stored.handle !== 'string' || typeof stored.savedAt !== 'number') return this.clear();
      if (this.now() - stored.savedAt > HANDLE_LIFETIME_MS || stored.savedAt > this.now() + 60_000) return this.clear();
      return stored.handle;
    } catch {
      return undefined;
    }
  }

  save(handle: string): void {
    try {
      sessionStorage.setItem(this.key, JSON.stringify({ handle, savedAt: this.now() } satisfies StoredHandle));
    } catch {
      // Storage unavailable: the handle still lives in memory for reconnects.
    }
  }

  clear(): undefined {
    try {
      sessionStorage.removeItem(this.key);
    } catch {
      // Nothing stored, or storage unavailable.
    }
    return undefined;
  }
}

/** The default storage key: one conversation per model and page path. */
export function defaultResumeKey(model: string): string {
  const path = typeof location === 'undefined' ? '' : location.pathname;
  return `gemini-live:resume:${model}:${path}`;
}
