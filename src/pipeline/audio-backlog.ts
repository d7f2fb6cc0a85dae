/**
 * Microphone audio captured while no connection can take it (during setup, reconnects and handovers), sent
 * first once one can. Bounded: beyond `maxMs` the oldest chunks are dropped, so a long outage cannot grow it.
 */
export class AudioBacklog {
  private chunks: ArrayBuffer[] = [];
  private bytes = 0;
  private readonly maxBytes: number;

  /** `bytesPerMs` of the PCM format: 32 for 16 kHz 16-bit mono. */
  constructor(maxMs = 5000, bytesPerMs = 32) {
    this.maxBytes = Math.max(0, Math.round(maxMs * bytesPerMs));
  }

  push(chunk: ArrayBuffer): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.byteLength;
    while (this.bytes > this.maxBytes && this.chunks.length) {
      this.bytes -= this.chunks.shift()!.byteLength;
    }
  }

  /** Takes everything, oldest first. */
  drain(): ArrayBuffer[] {
    const chunks = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    return chunks;
  }

  get byteLength(): number {
    return this.bytes;
  }

  clear(): void {
    this.chunks = [];
    this.bytes = 0;
  }
}
