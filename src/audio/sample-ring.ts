const INV_SCALE = 1 / 32768;

/**
 * A FIFO of int16 samples in a ring buffer that doubles its capacity when a write would not fit, so queued audio
 * is never dropped (a long answer may arrive much faster than real time). Growing happens only in
 * {@link write}; reading allocates nothing. Positions are counted in samples since creation.
 */
export class SampleRing {
  private buffer: Int16Array;
  private readIndex = 0;
  private count = 0;
  private writtenTotal = 0;

  constructor(initialCapacity = 4096) {
    this.buffer = new Int16Array(Math.max(16, initialCapacity));
  }

  /** Samples waiting to be read. */
  get available(): number {
    return this.count;
  }

  /** Current capacity in samples. */
  get capacity(): number {
    return this.buffer.length;
  }

  /** Samples written since creation: the stream position just after the newest sample. */
  get writePosition(): number {
    return this.writtenTotal;
  }

  /** Stream position of the next sample to be read. */
  get readPosition(): number {
    return this.writtenTotal - this.count;
  }

  /** Appends `length` samples of `samples` from `offset`, growing the ring if needed. */
  write(samples: Int16Array, offset = 0, length: number = samples.length - offset): void {
    if (length <= 0) return;
    if (this.count + length > this.buffer.length) this.grow(this.count + length);
    const capacity = this.buffer.length;
    let end = this.readIndex + this.count;
    if (end >= capacity) end -= capacity;
    const firstPart = Math.min(length, capacity - end);
    this.buffer.set(samples.subarray(offset, offset + firstPart), end);
    if (firstPart < length) this.buffer.set(samples.subarray(offset + firstPart, offset + length), 0);
    this.count += length;
    this.writtenTotal += length;
  }

  /**
   * Moves up to `length` samples into `output` (from `outputOffset`) as floats in [-1, 1). Returns how many it
   * moved.
   */
  readFloat(output: Float32Array, length: number, outputOffset = 0): number {
    const n = Math.min(length, this.count);
    const buffer = this.buffer;
    const capacity = buffer.length;
    let index = this.readIndex;
    for (let i = 0; i < n; i++) {
      output[outputOffset + i] = buffer[index] * INV_SCALE;
      index = index + 1 === capacity ? 0 : index + 1;
    }
    this.readIndex = index;
    this.count -= n;
    return n;
  }

  /** Drops up to `length` of the oldest samples; returns how many it dropped. */
  skip(length: number): number {
    const n = Math.min(length, this.count);
    this.readIndex = (this.readIndex + n) % this.buffer.length;
    this.count -= n;
    return n;
  }

  /** Drops everything queued. */
  clear(): void {
    this.skip(this.count);
  }

  private grow(needed: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Int16Array(capacity);
    const old = this.buffer;
    const firstPart = Math.min(this.count, old.length - this.readIndex);
    next.set(old.subarray(this.readIndex, this.readIndex + firstPart), 0);
    if (firstPart < this.count) next.set(old.subarray(0, this.count - firstPart), firstPart);
    this.buffer = next;
    this.readIndex = 0;
  }
}
