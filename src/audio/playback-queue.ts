import type { PlayedTime } from './playback-buffer.js';
import { loadAudioWorklets } from './worklet-loader.js';
import {
  PLAYBACK_PROCESSOR,
  type PlaybackCommand,
  type PlaybackEvent,
  type PlaybackProcessorOptions,
} from './worklet-messages.js';

type StatusReport = Omit<Extract<PlaybackEvent, { type: 'status' }>, 'type'>;

// How long flush() waits for the processor's own count before answering with the main thread's estimate (a
// suspended or closed context may never answer).
const FLUSH_ANSWER_TIMEOUT_MS = 250;

/** Settings of a {@link PlaybackQueue}; see {@link PlaybackProcessorOptions}. */
export type PlaybackQueueOptions = PlaybackProcessorOptions;

/**
 * Main-thread side of the playback worklet: queue the model's PCM16 (24 kHz by default) and it plays gap-free at
 * the context's rate through {@link node}'s single mono output, which the caller connects to the speakers (and
 * anywhere else).
 */
export class PlaybackQueue {
  /** The worklet node: one mono output. */
  readonly node: AudioWorkletNode;
  /** Default rate of queued PCM. */
  readonly inputRate: number;
  /** Called when queued audio starts to sound (after the jitter buffer's lead). */
  onPlaybackStart: (() => void) | null = null;
  /** Called when playback stops: the queue drained (end of a turn, or an underrun) or a flush silenced it. */
  onPlaybackEnd: (() => void) | null = null;

  private readonly context: BaseAudioContext;
  private seq = 0;
  private turn = 0;
  private isPlaying = false;
  // Pending flush() promises by turn: resolved with the processor's count, or without one (then with the estimate
  // taken when flush() was called).
  private readonly flushAnswers = new Map<number, (played?: PlayedTime) => void>();
  private oddByte = -1;
  // The processor's latest report; `turn` tells whether it is about the current turn yet.
  private status: StatusReport = {
    turn: 0,
    time: 0,
    playing: false,
    rms: 0,
    peak: 0,
    queuedMs: 0,
    playedMs: 0,
    underruns: 0,
    leadMs: 0,
  };
  private disposed = false;
  private drainedSeq = -1;
  // The last enqueue known when the pipeline last moved, until the processor says what reached it (`moved`).
  private seqAtMove: number | undefined;
  // The session's pipeline sends the processor its audio, turns and flushes: this queue follows its numbering.
  private pipelined = false;
  // `flushed` answers no flush() waited for (the pipeline's flushes), by turn, until asked for with flushed().
  private readonly unclaimedFlushes = new Map<number, PlayedTime>();

  /** Loads the worklet modules into `context` if needed, then creates the node. */
  static async create(context: BaseAudioContext, options: PlaybackQueueOptions = {}): Promise<PlaybackQueue> {
    await loadAudioWorklets(context);
    return new PlaybackQueue(context, options);
  }

  /** Creates the node; the worklet modules must already be loaded (see {@link PlaybackQueue.create}). */
  constructor(context: BaseAudioContext, options: PlaybackQueueOptions = {}) {
    this.context = context;
    this.inputRate = options.inputRate ?? 24000;
    this.node = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { ...options, inputRate: this.inputRate } satisfies PlaybackProcessorOptions,
    });
    this.node.port.onmessage = (event: MessageEvent<PlaybackEvent>) => this.handle(event.data);
  }

  /** True from the first {@link enqueue} until the queue has played out or been flushed. */
  get playing(): boolean {
    return this.isPlaying;
  }

  /** Times playback ran dry in the middle of a turn (see `PlaybackBuffer`). */
  get underruns(): number {
    return this.status.underruns;
  }

  /** Latest output RMS level, 0..1 (0 when not playing). */
  get level(): number {
    return this.status.rms;
  }

  /** Latest output peak level, 0..1 (0 when not playing). */
  get peak(): number {
    return this.status.peak;
  }

  /** The jitter buffer's lead in ms, as of the latest report (it follows the network's jitter). */
  get leadMs(): number {
    return this.status.leadMs;
  }

  /** Milliseconds queued and not yet played, as of the latest report. */
  get queuedMs(): number {
    return this.status.queuedMs;
  }

  /**
   * How much of the current turn (since {@link startTurn} or the last {@link flush}) has been heard so far: the
   * processor's latest report, extrapolated by the context time since then while audio was playing.
   */
  played(): PlayedTime {
    const report = this.status;
    let playedMs = 0;
    if (report.turn === this.turn) {
      const elapsedMs = report.playing ? Math.max(0, (this.context.currentTime - report.time) * 1000) : 0;
      playedMs = report.playedMs + Math.min(elapsedMs, report.queuedMs);
    }
    return { playedMs, playedSamples: Math.round((playedMs * this.inputRate) / 1000) };
  }

  /**
   * Queues PCM16LE mono audio at `sampleRate` (default {@link inputRate}). The bytes are copied, so the caller
   * may reuse its buffer; with `transfer` the caller gives its buffer up instead, and a chunk that fills its
   * buffer exactly is moved to the processor without a copy (the buffer is detached). A chunk with an odd number
   * of bytes keeps its last byte for the next chunk.
   */
  enqueue(pcm: ArrayBuffer | ArrayBufferView, sampleRate: number = this.inputRate, { transfer = false } = {}): void {
    if (this.disposed) return;
    const bytes = ArrayBuffer.isView(pcm)
      ? new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)
      : new Uint8Array(pcm);
    const carried = this.oddByte >= 0 ? 1 : 0;
    const total = carried + bytes.length;
    const even = total & ~1;
    if (even === 0) {
      if (total === 1) this.oddByte = carried ? this.oddByte : bytes[0];
      return;
    }
    let out: ArrayBuffer;
    if (transfer && !carried && even === bytes.length && isWhole(bytes)) {
      out = bytes.buffer;
    } else {
      const copy = new Uint8Array(even);
      if (carried) copy[0] = this.oddByte;
      copy.set(bytes.subarray(0, even - carried), carried);
      out = copy.buffer;
    }
    this.oddByte = total > even ? bytes[bytes.length - 1] : -1;

    this.seq++;
    this.send({ type: 'enqueue', pcm: out, sampleRate, seq: this.seq }, [out]);
    this.isPlaying = true;
  }

  /** Marks the start of a model turn: played time counts from audio queued after this call. */
  startTurn(): void {
    if (this.disposed) return;
    this.send({ type: 'turn', turn: ++this.turn });
  }

  /**
   * Interruption: the output fades to silence within a few milliseconds (after the current render quantum) and
   * everything queued so far is dropped; audio queued after this call plays normally, as a new turn. Resolves,
   * as soon as the processor has acted on it, with how much of the interrupted turn had been heard, so a
   * transcript can be cut to match. (If the processor cannot answer, e.g. while the context is suspended, it
   * resolves after 250 ms with {@link played}'s estimate from the moment of the call.)
   */
  flush(): Promise<PlayedTime> {
    const estimate = this.played();
    this.oddByte = -1;
    if (this.disposed) return Promise.resolve(estimate);
    const wasPlaying = this.isPlaying;
    this.isPlaying = false;
    // The meter drops at once: what it showed is being silenced, however late the audio thread renders next.
    this.status = { ...this.status, rms: 0, peak: 0 };
    const turn = ++this.turn;
    const answer = this.awaitFlush(turn, estimate);
    this.send({ type: 'flush', turn });
    if (wasPlaying) this.onPlaybackEnd?.();
    return answer;
  }

  /**
   * Hands the processor a second port, `port` (transferred), held by the session's pipeline: the voice's levels go
   * out on it (`OutputLevelEvent`s, 20 a second while audio plays) and the pipeline's commands come in on it: its
   * enqueues of model audio, turns and flushes. The status reports here then come 5 a second and follow the
   * pipeline's turns; {@link noteEnqueued} and {@link flushed} tell this queue what the pipeline did. Called again,
   * the new port replaces the old one.
   */
  connectPipeline(port: MessagePort): void {
    if (this.disposed) {
      port.close();
      return;
    }
    // Moved: the old pipeline may have reported audio that never reached the processor (see `moved`).
    if (this.pipelined) this.seqAtMove = this.seq;
    this.pipelined = true;
    this.send({ type: 'pipeline', port }, [port]);
  }

  /**
   * Model audio the pipeline queued on the processor itself, the last of it as enqueue `seq`: playing from here,
   * unless the processor already reported that it drained after it.
   */
  noteEnqueued(seq: number): void {
    if (this.disposed) return;
    this.seq = seq;
    this.oddByte = -1;
    if (seq !== this.drainedSeq) {
      this.isPlaying = true;
      return;
    }
    if (this.isPlaying) {
      this.isPlaying = false;
      this.onPlaybackEnd?.();
    }
  }

  /**
   * How much of the interrupted turn had been heard when the pipeline's flush that started turn `turn` reached
   * the processor (or, if it cannot answer within 250 ms, {@link played}'s estimate now).
   */
  flushed(turn: number): Promise<PlayedTime> {
    const known = this.unclaimedFlushes.get(turn);
    if (known) {
      this.unclaimedFlushes.delete(turn);
      return Promise.resolve(known);
    }
    return this.awaitFlush(turn, this.played());
  }

  /** Disconnects the node, ends the processor and closes the port. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.send({ type: 'stop' });
    this.node.port.onmessage = null;
    this.node.port.close();
    this.node.disconnect();
    for (const answer of this.flushAnswers.values()) answer();
    this.flushAnswers.clear();
    this.isPlaying = false;
    this.status = { ...this.status, playing: false, rms: 0, peak: 0, queuedMs: 0 };
    this.onPlaybackStart = null;
    this.onPlaybackEnd = null;
  }

  private awaitFlush(turn: number, estimate: PlayedTime): Promise<PlayedTime> {
    return new Promise<PlayedTime>((resolve) => {
      const timer = setTimeout(() => {
        this.flushAnswers.delete(turn);
        resolve(estimate);
      }, FLUSH_ANSWER_TIMEOUT_MS);
      this.flushAnswers.set(turn, (played) => {
        clearTimeout(timer);
        resolve(played ?? estimate);
      });
    });
  }

  private handle(event: PlaybackEvent): void {
    if (this.disposed) return;
    switch (event.type) {
      case 'status': {
        const { type: _type, ...report } = event;
        // The pipeline numbers the turns: its latest is the current one.
        if (this.pipelined) this.turn = Math.max(this.turn, report.turn);
        // A report sent before the last flush arrived carries the level of audio that is no longer playing.
        this.status = report.turn === this.turn ? report : { ...report, rms: 0, peak: 0 };
        break;
      }
      case 'started':
        this.onPlaybackStart?.();
        break;
      case 'drained':
        this.drainedSeq = event.seq;
        this.status.rms = 0;
        this.status.peak = 0;
        // Audio queued after the processor drained is still to come: not the end yet. (A later `seq` than the
        // last one known is audio the pipeline queued and has not reported yet: all known audio is done.)
        if (event.seq >= this.seq && this.isPlaying) {
          this.isPlaying = false;
          this.onPlaybackEnd?.();
        }
        break;
      case 'moved':
        this.moved(event.seq, event.playing);
        break;
      case 'flushed': {
        const played = { playedMs: event.playedMs, playedSamples: event.playedSamples };
        if (this.pipelined) this.turn = Math.max(this.turn, event.turn);
        const answer = this.flushAnswers.get(event.turn);
        this.flushAnswers.delete(event.turn);
        if (answer) answer(played);
        else if (this.pipelined) this.keepFlush(event.turn, played);
        break;
      }
    }
  }

  /**
   * The processor took the new pipeline's port: `seq` is the old pipeline's last enqueue that reached it. Audio the
   * old one reported after that was lost with it (a failed worker), so no `drained` would ever match it: the
   * processor's word counts. Unless the new pipeline has queued audio since the move, which is playing.
   */
  private moved(seq: number, playing: boolean): void {
    const known = this.seqAtMove;
    this.seqAtMove = undefined;
    if (known === undefined || this.seq !== known) return;
    this.seq = seq;
    if (playing === this.isPlaying) return;
    this.isPlaying = playing;
    if (playing) this.onPlaybackStart?.();
    else this.onPlaybackEnd?.();
  }

  // An answer the page has not asked for yet; a few are kept (the page asks at once, or not at all).
  private keepFlush(turn: number, played: PlayedTime): void {
    this.unclaimedFlushes.set(turn, played);
    for (const old of this.unclaimedFlushes.keys()) {
      if (this.unclaimedFlushes.size <= 8) break;
      this.unclaimedFlushes.delete(old);
    }
  }

  private send(command: PlaybackCommand, transfer: Transferable[] = []): void {
    this.node.port.postMessage(command, transfer);
  }
}

/** True when `bytes` spans all of an ordinary (transferable) `ArrayBuffer`. */
function isWhole(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}
