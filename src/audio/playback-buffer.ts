import { LevelMeter } from './level-meter.js';
import { floatToInt16, int16ToFloat } from './pcm.js';
import { PolyphaseResampler, type ResamplerOptions } from './resampler.js';
import { SampleRing } from './sample-ring.js';

/** Settings of a {@link PlaybackBuffer}. */
export interface PlaybackBufferOptions {
  /** Rate the buffer renders at (the AudioContext's rate). */
  outputRate: number;
  /** Rate of the queued PCM (default 24000, the Live API's output). */
  inputRate?: number;
  /** Audio queued before playback starts or restarts after running dry, in ms (default 40). */
  leadMs?: number;
  /** Upper bound for the lead, which grows with the measured network jitter (default 200 ms). */
  maxLeadMs?: number;
  /** Length of the fade-out on {@link PlaybackBuffer.flush}, in ms (default 4). */
  fadeMs?: number;
  /** Filter design overrides for the resampler. */
  resampler?: ResamplerOptions;
}

/** How much of the current turn reached the output, in samples of the input rate and in milliseconds. */
export interface PlayedTime {
  playedSamples: number;
  playedMs: number;
}

// Playback states.
const IDLE = 0; // nothing playing; waits until the lead is queued (or has waited as long as the lead lasts)
const PLAYING = 1; // reading queued audio
const DRAINING = 2; // ran dry: feeding silence until the resampler's tail is out
const FADING = 3; // flushed: fading out, then discarding what was queued before the flush
type State = typeof IDLE | typeof PLAYING | typeof DRAINING | typeof FADING;

const QUANTUM = 128;
// Arrival lateness is remembered per bucket of render time; the lead covers the worst of the last few seconds.
const JITTER_BUCKET_SECONDS = 0.25;
const JITTER_BUCKETS = 16; // 4 s
// Headroom over the measured lateness: a render quantum and the message hop into the worklet.
const JITTER_MARGIN_MS = 10;

/**
 * The model-audio path inside the playback worklet, free of worklet APIs so it runs in Node tests: a growing
 * queue of PCM16 at the input rate, an adaptive jitter buffer, a streaming resampler to the output rate, a
 * click-free flush, and accounting of how much of the current turn was played.
 *
 * Jitter buffer: playback starts once the lead is queued, or once the first queued audio has waited that long (a
 * short turn must not wait forever). The lead follows the network: every chunk's arrival time is compared with
 * its place in the stream, and how much later than the earliest-arriving audio of the turn it came is its
 * lateness; the lead is the worst lateness of the last 4 s plus a small margin, between `leadMs` and `maxLeadMs`.
 * So it grows as soon as audio arrives late (before it runs dry, which the audio sent ahead usually prevents) and
 * shrinks back to `leadMs` once the network has been calm for 4 s. When the queue runs dry mid-stream, the
 * resampler's tail plays out and playback waits for the lead again; if more audio of the same turn then arrives,
 * that was an underrun, and counted. Running dry at the end of a turn is not an underrun.
 *
 * {@link render} allocates nothing; {@link enqueue} copies into the ring, which grows when needed.
 */
export class PlaybackBuffer {
  /** Rate of the queued PCM. */
  readonly inputRate: number;
  /** Rate of the rendered output. */
  readonly outputRate: number;
  /** Called when playback starts (lead reached). */
  onStart: (() => void) | null = null;
  /** Called when playback stops: the queue ran dry and the tail has played, or a flush completed. */
  onDrain: (() => void) | null = null;

  private readonly ring: SampleRing;
  private readonly resampler: PolyphaseResampler;
  private readonly meter = new LevelMeter();
  private readonly baseLead: number;
  private readonly maxLead: number;
  private readonly fadeFrames: number;
  private foreign: PolyphaseResampler | null = null;
  private input: Float32Array;
  private staged: Float32Array;
  private stagedStart = 0;
  private stagedCount = 0;

  private state: State = IDLE;
  private lead: number;
  private waitedInput = 0;
  private silenceFed = 0;
  // Silent samples the resampler took in since the last queued one: the queued samples still inside its
  // look-ahead (latency minus this) have not been heard yet.
  private silenceSinceAudio = 0;
  private fadeRemaining = 0;
  private fadeFromQueue = false;
  private fadeReadLimit = 0;
  private discardUpTo = 0;
  private turnStart = 0;
  private starved = false;
  private underrunCount = 0;
  // Jitter estimate, in input samples: render time, audio queued this stream, the earliest arrival seen relative
  // to stream position, and the worst lateness per bucket of render time.
  private clock = 0;
  private streamQueued = 0;
  private earliest = Number.POSITIVE_INFINITY;
  private readonly lateness = new Float64Array(JITTER_BUCKETS);
  private bucket = 0;
  private readonly bucketSize: number;
  private readonly margin: number;

  constructor(options: PlaybackBufferOptions) {
    this.inputRate = Math.round(options.inputRate ?? 24000);
    this.outputRate = Math.round(options.outputRate);
    const leadMs = options.leadMs ?? 40;
    const maxLeadMs = Math.max(leadMs, options.maxLeadMs ?? 200);
    this.baseLead = Math.round((leadMs * this.inputRate) / 1000);
    this.maxLead = Math.round((maxLeadMs * this.inputRate) / 1000);
    this.lead = this.baseLead;
    this.bucketSize = Math.round(this.inputRate * JITTER_BUCKET_SECONDS);
    this.margin = Math.round((JITTER_MARGIN_MS * this.inputRate) / 1000);
    this.fadeFrames = Math.max(1, Math.round(((options.fadeMs ?? 4) * this.outputRate) / 1000));
    this.resampler = new PolyphaseResampler(this.inputRate, this.outputRate, options.resampler);
    this.ring = new SampleRing(this.inputRate * 4);
    this.silenceSinceAudio = this.resampler.latency;
    this.input = new Float32Array(this.resampler.inputLengthFor(QUANTUM) + QUANTUM);
    this.staged = new Float32Array(this.resampler.maxOutputLength(this.input.length));
  }

  /** True from the start of playback until the queue has drained or a flush has faded out. */
  get playing(): boolean {
    return this.state !== IDLE;
  }

  /** Times playback ran dry while its turn still had audio to come. */
  get underruns(): number {
    return this.underrunCount;
  }

  /** The current jitter-buffer lead in ms. */
  get leadMs(): number {
    return (this.lead * 1000) / this.inputRate;
  }

  /** Milliseconds of audio queued and not yet played. */
  get queuedMs(): number {
    return (this.ring.available * 1000) / this.inputRate;
  }

  /** Output level meter; the caller reads and resets it at its own reporting rate. */
  get level(): LevelMeter {
    return this.meter;
  }

  /**
   * Queues PCM16 samples. Audio at another rate than {@link inputRate} is converted on arrival (a change of rate
   * loses the previous rate's last millisecond or so, which the converter still held).
   */
  enqueue(samples: Int16Array, sampleRate: number = this.inputRate): void {
    if (samples.length === 0) return;
    // Audio into an empty, idle buffer that did not run dry mid-turn starts a new stream.
    if (!this.starved && this.state === IDLE && this.ring.available === 0) this.restartStream();
    const before = this.ring.writePosition;
    if (Math.round(sampleRate) === this.inputRate) {
      this.ring.write(samples);
    } else {
      this.enqueueConverted(samples, sampleRate);
    }
    this.noteArrival(this.ring.writePosition - before);
    if (this.starved) {
      // The queue ran dry, yet the same turn goes on: the listener heard a gap.
      this.starved = false;
      this.underrunCount++;
    }
  }

  /**
   * Marks the start of a model turn at the current end of the queue: {@link played} counts from there. Call it
   * before queueing the turn's first chunk.
   */
  startTurn(): void {
    this.turnStart = this.ring.writePosition;
    this.starved = false;
    this.restartStream();
  }

  /** How much of the current turn (since {@link startTurn} or the last flush) has been rendered. */
  played(): PlayedTime {
    const unheard = Math.max(0, this.resampler.latency - this.silenceSinceAudio);
    const playedSamples = Math.max(0, this.ring.readPosition - this.turnStart - unheard);
    return { playedSamples, playedMs: (playedSamples * 1000) / this.inputRate };
  }

  /**
   * Interruption: fades out what is playing over `fadeMs` and discards everything queued so far. Audio queued
   * after this call is kept and becomes the next turn. Returns what was played of the interrupted turn.
   */
  flush(): PlayedTime {
    const played = this.played();
    const boundary = this.ring.writePosition;
    this.discardUpTo = boundary;
    this.turnStart = boundary;
    this.starved = false;
    this.restartStream();
    if (this.state === IDLE) {
      this.discard();
    } else if (this.state !== FADING) {
      // Only audio that was already audible fades out; a resampler tail after running dry just keeps draining.
      this.fadeFromQueue = this.state === PLAYING;
      this.fadeReadLimit = boundary;
      this.fadeRemaining = this.fadeFrames;
      this.state = FADING;
    }
    return played;
  }

  /** Fills `frames` samples of `output` (default: all) with the next audio, or silence. */
  render(output: Float32Array, frames: number = output.length): void {
    this.advanceClock((frames * this.inputRate) / this.outputRate);
    if (this.state === IDLE) this.considerStart(frames);

    let filled = 0;
    while (filled < frames) {
      if (this.stagedCount > 0) {
        const n = Math.min(this.stagedCount, frames - filled);
        const staged = this.staged;
        const from = this.stagedStart;
        for (let i = 0; i < n; i++) output[filled + i] = staged[from + i];
        this.stagedStart += n;
        this.stagedCount -= n;
        filled += n;
      } else if (this.state === IDLE) {
        break;
      } else {
        this.refill(frames - filled);
      }
    }
    if (filled < frames) output.fill(0, filled, frames);
    if (this.state === FADING) this.applyFade(output, frames);
    this.meter.add(output, frames);
  }

  private considerStart(frames: number): void {
    const queued = this.ring.available;
    if (queued === 0) {
      this.waitedInput = 0;
      return;
    }
    this.waitedInput += (frames * this.inputRate) / this.outputRate;
    // The resampler reads `latency` samples ahead of what it outputs: the lead counts beyond those.
    if (queued >= this.lead + this.resampler.latency || this.waitedInput >= this.lead) {
      this.waitedInput = 0;
      this.state = PLAYING;
      this.onStart?.();
    }
  }

  // Resamples enough input for at least `frames` outputs into `staged`.
  private refill(frames: number): void {
    const needed = this.resampler.inputLengthFor(frames);
    if (this.input.length < needed) {
      // Only for render calls longer than a quantum: grow once.
      this.input = new Float32Array(needed);
      this.staged = new Float32Array(this.resampler.maxOutputLength(needed));
    }
    let taken = 0;
    if (this.state === PLAYING) {
      taken = this.ring.readFloat(this.input, needed);
    } else if (this.state === FADING && this.fadeFromQueue) {
      const beforeFlush = Math.max(0, this.fadeReadLimit - this.ring.readPosition);
      taken = this.ring.readFloat(this.input, Math.min(needed, beforeFlush));
    }
    if (taken < needed) this.input.fill(0, taken, needed);
    this.silenceSinceAudio = taken > 0 ? needed - taken : this.silenceSinceAudio + needed;
    this.stagedStart = 0;
    this.stagedCount = this.resampler.process(this.input, this.staged, needed);

    if (taken === needed) return;
    if (this.state === PLAYING) {
      this.state = DRAINING;
      this.silenceFed = 0;
      this.starved = true;
    }
    if (this.state === DRAINING) {
      this.silenceFed += needed - taken;
      // Once a full filter window of silence went in, everything audible has come out.
      if (this.silenceFed >= this.resampler.taps) {
        this.state = IDLE;
        this.onDrain?.();
      }
    }
  }

  // A new stream: its audio's lateness is measured from its own first arrival. What was measured before stays
  // in the window, so a jittery network keeps its lead across turns.
  private restartStream(): void {
    this.streamQueued = 0;
    this.earliest = Number.POSITIVE_INFINITY;
  }

  // `samples` arrived now. Lateness: how much later than the stream's earliest-arriving audio, relative to its
  // place in the stream, this chunk came.
  private noteArrival(samples: number): void {
    const delay = this.clock - this.streamQueued;
    this.streamQueued += samples;
    if (delay < this.earliest) this.earliest = delay;
    const late = delay - this.earliest;
    const slot = this.bucket % JITTER_BUCKETS;
    if (late > this.lateness[slot]) {
      this.lateness[slot] = late;
      this.updateLead();
    }
  }

  private advanceClock(inputSamples: number): void {
    this.clock += inputSamples;
    const bucket = Math.floor(this.clock / this.bucketSize);
    if (bucket === this.bucket) return;
    // Forget the buckets that fell out of the window.
    for (let b = this.bucket + 1; b <= bucket && b <= this.bucket + JITTER_BUCKETS; b++) this.lateness[b % JITTER_BUCKETS] = 0;
    this.bucket = bucket;
    this.updateLead();
  }

  private updateLead(): void {
    let worst = 0;
    for (let i = 0; i < JITTER_BUCKETS; i++) if (this.lateness[i] > worst) worst = this.lateness[i];
    this.lead = worst > 0 ? Math.min(this.maxLead, Math.max(this.baseLead, Math.round(worst) + this.margin)) : this.baseLead;
  }

  private applyFade(output: Float32Array, frames: number): void {
    const total = this.fadeFrames;
    let remaining = this.fadeRemaining;
    let i = 0;
    for (; i < frames && remaining > 0; i++, remaining--) {
      // Raised-cosine ramp from 1 towards 0: no corner at either end, so no click.
      output[i] *= 0.5 - 0.5 * Math.cos((Math.PI * remaining) / (total + 1));
    }
    this.fadeRemaining = remaining;
    if (remaining > 0) return;
    if (i < frames) output.fill(0, i, frames);
    this.discard();
    this.onDrain?.();
  }

  // Drops everything queued before the last flush and starts the next stream from silence.
  private discard(): void {
    this.ring.skip(Math.max(0, this.discardUpTo - this.ring.readPosition));
    this.resampler.reset();
    this.foreign?.reset();
    this.stagedCount = 0;
    this.silenceSinceAudio = this.resampler.latency;
    this.waitedInput = 0;
    this.state = IDLE;
  }

  private enqueueConverted(samples: Int16Array, sampleRate: number): void {
    if (!this.foreign || this.foreign.inputRate !== Math.round(sampleRate)) {
      this.foreign = new PolyphaseResampler(sampleRate, this.inputRate);
    }
    const floats = new Float32Array(samples.length);
    int16ToFloat(samples, floats);
    const converted = new Float32Array(this.foreign.outputLength(samples.length));
    const produced = this.foreign.process(floats, converted);
    const pcm = new Int16Array(produced);
    floatToInt16(converted, pcm, produced);
    this.ring.write(pcm);
  }
}
