/** Why a connection was not admitted. */
export type CapExceeded = 'total' | 'client';

/**
 * Counts open connections in total and per client key. Entries exist only for clients with a connection open,
 * so memory is bounded by the total cap.
 */
export class ConnectionCaps {
  private readonly perClient = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerClient: number,
  ) {}

  /** Takes a slot for `key`, or tells which cap is full. Every successful call needs one `release(key)`. */
  acquire(key: string): CapExceeded | undefined {
    if (this.total >= this.maxTotal) return 'total';
    const held = this.perClient.get(key) ?? 0;
    if (held >= this.maxPerClient) return 'client';
    this.perClient.set(key, held + 1);
    this.total += 1;
    return undefined;
  }

  release(key: string): void {
    const held = this.perClient.get(key);
    if (held === undefined) return;
    if (held <= 1) this.perClient.delete(key);
    else this.perClient.set(key, held - 1);
    this.total -= 1;
  }
}
