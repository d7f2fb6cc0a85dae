/**
 * Loads something once and shares the promise; a failed load is forgotten, so the next call tries again
 * (a chunk that failed on a flaky network, a module that was installed later).
 */
export function cachedImport<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const attempt = load();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
