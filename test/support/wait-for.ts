/** Polling for tests, in the browser and in Node alike. */

export interface WaitOptions {
  /** Milliseconds before giving up (default 10 000). */
  timeout?: number;
  /** Milliseconds between probes (default 10). */
  interval?: number;
  /** What is awaited, for the timeout's error message. */
  message?: string;
}

/** Resolves with the first truthy value `probe()` returns (sync or async); rejects after `timeout`. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeout = 10_000, interval = 10, message = 'condition' }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeout;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (performance.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  throw new Error(`Timed out waiting for ${message} (last value: ${JSON.stringify(last)})`);
}
