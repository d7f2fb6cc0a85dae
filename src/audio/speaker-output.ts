/** A ramp's time constant: the volume is within 1 % of a new value after about 5 of them (10 ms). */
const VOLUME_RAMP_S = 0.002;

/** `AudioContext.setSinkId` and `sinkId`: Chromium only, and not in every TypeScript DOM library yet. */
type SinkContext = AudioContext & { sinkId?: string | object; setSinkId?: (id: string) => Promise<void> };

/**
 * The voice's way to the speakers: its volume, and which speaker. Only the speakers' path: the volume is the
 * listener's, so a recording of the output stream keeps the voice as sent.
 */
export class SpeakerOutput {
  /** Connect the voice here. */
  readonly input: GainNode;
  private level = 1;

  constructor(private readonly context: AudioContext) {
    this.input = context.createGain();
    this.input.connect(context.destination);
  }

  /**
   * Loudness, 0–1 (clamped; not a number: ignored). A change reaches audio already queued at the next render
   * quantum, ramped over about 10 ms so it does not click.
   */
  get volume(): number {
    return this.level;
  }

  set volume(value: number) {
    if (!Number.isFinite(value)) return;
    this.level = Math.min(1, Math.max(0, value));
    this.input.gain.setTargetAtTime(this.level, this.context.currentTime, VOLUME_RAMP_S);
  }

  /** The speaker in use ('' for the system default). */
  get speakerId(): string {
    const sink = (this.context as SinkContext).sinkId;
    return typeof sink === 'string' ? sink : '';
  }

  /** Plays on another speaker ('' for the default). False where the browser cannot choose one. */
  async setSpeaker(deviceId: string): Promise<boolean> {
    const context = this.context as SinkContext;
    if (typeof context.setSinkId !== 'function') return false;
    await context.setSinkId(deviceId);
    return true;
  }

  dispose(): void {
    this.input.disconnect();
  }
}
