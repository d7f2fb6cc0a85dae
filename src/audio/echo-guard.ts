/**
 * The `barge-in` echo guard: keeps the model's own voice, leaking from the speakers into the microphone, from
 * reaching the service as if the visitor had spoken (and so interrupting the model). Free of worklet APIs, so it
 * runs in Node tests: the playback processor feeds a {@link VoiceEnvelope} with what it renders, the capture
 * processor hands each microphone block and that envelope's level to an {@link EchoGuard} before resampling.
 */

/** `barge-in`: `auto` guards only where the echo canceller cannot be trusted, `guarded` always, `always` never. */
export type BargeIn = 'auto' | 'guarded' | 'always';

/** The `barge-in` mode a value names; anything else is `auto`. */
export function bargeInMode(value: unknown): BargeIn {
  return value === 'guarded' || value === 'always' ? value : 'auto';
}

/** Below this level (−50 dBFS RMS) the voice is not loud enough to leak into the microphone audibly. */
export const AUDIBLE_VOICE = 10 ** (-50 / 20);

/**
 * Whether `value` (the `echoCancellation` a microphone track reports) cancels the page's own output: `false` does
 * not, nor does `remote-only` (Chrome 141: only WebRTC audio from peers).
 */
export function cancelsPageOutput(value: unknown): boolean {
  return value !== false && value !== 'remote-only';
}

/** Settings of a {@link VoiceEnvelope}. */
export interface VoiceEnvelopeOptions {
  sampleRate: number;
  /**
   * How long a level is held after it was rendered, in ms (default 200): its echo reaches the capture processor
   * only after the output latency, the way through the room and the input latency.
   */
  holdMs?: number;
  /** How fast the level falls after the hold, in dB per second (default 200: the room's reverberation fades). */
  releaseDbPerSecond?: number;
}

/** Within this of the held level (−3 dB), the voice counts as still there: the hold starts again. */
const STEADY = 10 ** (-3 / 20);

/**
 * The level of the voice just rendered, as the echo of it may still arrive: each block's RMS, held for
 * `holdMs`, then falling at `releaseDbPerSecond`. Allocates nothing.
 */
export class VoiceEnvelope {
  private readonly holdFrames: number;
  private readonly releasePerFrame: number;
  private held = 0;
  private heldFor = 0;

  constructor(options: VoiceEnvelopeOptions) {
    this.holdFrames = Math.round(((options.holdMs ?? 200) / 1000) * options.sampleRate);
    // In dB per frame, applied as a power of 10 per block.
    this.releasePerFrame = (options.releaseDbPerSecond ?? 200) / options.sampleRate;
  }

  /** The level now, 0..1 (RMS). */
  get level(): number {
    return this.held;
  }

  /** Adds the next `length` rendered samples of `block`; returns the level. */
  add(block: Float32Array, length: number = block.length): number {
    const level = blockRms(block, length);
    if (level >= this.held) {
      this.held = level;
      this.heldFor = 0;
    } else if (level >= this.held * STEADY) {
      // A steady voice, a little under its loudest block: the hold counts from when it last stood there.
      this.heldFor = 0;
    } else if (this.heldFor < this.holdFrames) {
      this.heldFor += length;
    } else {
      this.held = Math.max(level, this.held * 10 ** ((-this.releasePerFrame * length) / 20));
      if (this.held < 1e-6) this.held = 0;
    }
    return this.held;
  }

  reset(): void {
    this.held = 0;
    this.heldFor = 0;
  }
}

/** Settings of an {@link EchoGuard}. */
export interface EchoGuardOptions {
  /** Rate of the microphone blocks. */
  sampleRate: number;
  mode?: BargeIn;
  /** Whether the browser's echo canceller covers the voice (see {@link EchoGuard.echoCancelled}; default true). */
  echoCancelled?: boolean;
  /**
   * How far below the voice's level the microphone may be and still count as a person speaking, in dB (default
   * 12). Echo that loud or louder passes; speech quieter than this is muted while the voice plays.
   */
  marginDb?: number;
  /** How long audio keeps passing after the last block that counted as speech, in ms (default 250). */
  holdMs?: number;
  /** `auto`: ms of audible voice for which the echo canceller is not yet trusted (default 3000). */
  warmupMs?: number;
  /** How fast the microphone's level may fall, as a time constant in ms (default 10); it rises at once. */
  releaseMs?: number;
}

/** How fast the voice's recent peak falls, in dB per second: slower than a voice's pauses between words. */
const PEAK_FALL_DB_PER_SECOND = 20;
/** The voice's first ms near its peak, while it rises (and before its echo arrives): nothing starts the hold yet. */
const ONSET_MS = 50;

/**
 * Decides, per block of microphone audio, whether it goes to the service as it is or as silence. While the voice
 * is audible and the guard is on, a block passes only if the microphone is within `marginDb` of the voice's level
 * (someone is speaking up), or within `holdMs` after a block within `marginDb` of the voice's recent peak (so the
 * ends of words are kept). The hold needs the peak, and a voice that has stood within `marginDb` of that peak for
 * 50 ms: as the voice fades out between phrases, or rises at the start of one, a steady sound in the room (or an
 * echo the level no longer covers) stands above it, and would otherwise hold the microphone open into the voice.
 * Switching ramps over one block so it does not click. Zeros keep the chunks coming, so their timing and the
 * service's activity detection are undisturbed. Allocates nothing after the first block.
 */
export class EchoGuard {
  /** `auto`: whether the browser's echo canceller covers the voice; if not, the guard is on. */
  echoCancelled: boolean;
  private readonly modeValue: BargeIn;
  private readonly margin: number;
  private readonly holdFrames: number;
  private readonly warmupTotal: number;
  private readonly releaseSeconds: number;
  private readonly sampleRate: number;
  private warmupLeft: number;
  private holdLeft = 0;
  private micSquare = 0;
  private voicePeak = 0;
  private nearPeakFrames = 0;
  private readonly onsetFrames: number;
  private gain = 1;
  private scratch = new Float32Array(128);

  constructor(options: EchoGuardOptions) {
    this.sampleRate = options.sampleRate;
    this.modeValue = options.mode ?? 'auto';
    this.echoCancelled = options.echoCancelled ?? true;
    this.margin = 10 ** (-(options.marginDb ?? 12) / 20);
    this.holdFrames = Math.round(((options.holdMs ?? 250) / 1000) * this.sampleRate);
    this.warmupTotal = Math.round(((options.warmupMs ?? 3000) / 1000) * this.sampleRate);
    this.warmupLeft = this.warmupTotal;
    this.releaseSeconds = (options.releaseMs ?? 10) / 1000;
    this.onsetFrames = Math.round((ONSET_MS / 1000) * this.sampleRate);
  }

  get mode(): BargeIn {
    return this.modeValue;
  }

  /** Whether microphone audio is judged now (the voice aside): by the mode, the canceller and its warm-up. */
  get guarding(): boolean {
    if (this.modeValue === 'auto') return !this.echoCancelled || this.warmupLeft > 0;
    return this.modeValue === 'guarded';
  }

  /** Whether the last block passed. */
  get passing(): boolean {
    return this.gain === 1;
  }

  /** `auto`: the echo canceller adapts anew (a device changed): guard the next `warmupMs` of voice again. */
  rearm(): void {
    this.warmupLeft = this.warmupTotal;
    // A hold the old microphone started does not let the new one's echo through.
    this.holdLeft = 0;
  }

  /**
   * Judges the next `length` samples of `block` against `voiceLevel` (a {@link VoiceEnvelope}'s, 0 when
   * silent). Returns `block` itself when it passes, else a buffer of this guard's (valid until the next call)
   * with the block muted or ramped.
   */
  process(block: Float32Array, voiceLevel: number, length: number = block.length): Float32Array {
    const square = blockRms(block, length) ** 2;
    // Rises at once, falls with the release time constant: one quiet block inside a word does not count.
    this.micSquare = square >= this.micSquare ? square : square + (this.micSquare - square) * Math.exp(-length / this.sampleRate / this.releaseSeconds);
    this.voicePeak = Math.max(voiceLevel, this.voicePeak * 10 ** ((-PEAK_FALL_DB_PER_SECOND * length) / this.sampleRate / 20));
    const audible = voiceLevel > AUDIBLE_VOICE;
    // How long the voice has stood near its recent peak: it restarts with the voice, and after each pause (the
    // voice over 12 dB under its peak), where it rises again and a steady sound in the room stands out.
    this.nearPeakFrames = audible && voiceLevel >= this.voicePeak * this.margin ? this.nearPeakFrames + length : 0;
    if (audible && this.warmupLeft > 0 && this.modeValue === 'auto') this.warmupLeft = Math.max(0, this.warmupLeft - length);

    // The hold runs out whether or not the voice plays, so a pause in the voice does not keep one for later.
    this.holdLeft = Math.max(0, this.holdLeft - length);
    let open = true;
    if (audible && this.guarding) {
      const mic = Math.sqrt(this.micSquare);
      if (this.nearPeakFrames > this.onsetFrames && mic >= this.voicePeak * this.margin) this.holdLeft = this.holdFrames;
      open = this.holdLeft > 0 || mic >= voiceLevel * this.margin;
    }
    const target = open ? 1 : 0;
    if (target === 1 && this.gain === 1) return block;

    if (this.scratch.length < length) this.scratch = new Float32Array(length);
    const out = this.scratch;
    if (target === this.gain) {
      out.fill(0, 0, length);
    } else {
      const from = this.gain;
      for (let i = 0; i < length; i++) out[i] = block[i] * (from + ((target - from) * (i + 1)) / length);
    }
    this.gain = target;
    return out;
  }
}

function blockRms(block: Float32Array, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += block[i] * block[i];
  // A NaN sample counts as silence rather than freezing the level.
  return length > 0 && sum === sum ? Math.sqrt(sum / length) : 0;
}
