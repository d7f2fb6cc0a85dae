import { CaptureNode } from './capture-node.js';
import { keepContextRunning } from './context-recovery.js';
import { openMicrophone, stopStream, type MicrophoneOptions } from './microphone.js';
import type { PlayedTime } from './playback-buffer.js';
import { PlaybackQueue, type PlaybackQueueOptions } from './playback-queue.js';
import { loadAudioWorklets } from './worklet-loader.js';
import { SpeakerOutput } from './speaker-output.js';
import type { PipelinePorts } from './worklet-messages.js';

/** How {@link AudioEngine.startCapture} opens the microphone. */
export interface CaptureOptions extends MicrophoneOptions {
  /** Milliseconds of 16 kHz audio per chunk, 10–100 (default 20). */
  chunkMs?: number;
  /** `barge-in` (see `CaptureNodeOptions`). */
  bargeIn?: string;
}

/**
 * Options for the engine's `AudioContext`. The sample rate is deliberately not among them: the context runs at
 * the device's native rate (some browsers cannot connect a microphone to a context at another rate) and the
 * worklets resample.
 */
export interface AudioEngineOptions extends Omit<AudioContextOptions, 'sampleRate'> {
  /**
   * A context created by the caller (inside its user gesture, before this module was even loaded) to use
   * instead of a new one; the other context options are then ignored. The engine takes it over: `dispose()`
   * closes it.
   */
  context?: AudioContext;
  /** Jitter-buffer and fade settings of the playback queue. */
  playback?: Omit<PlaybackQueueOptions, 'inputRate'>;
}

/** The open microphone and the nodes it feeds. */
interface MicrophoneInput {
  readonly stream: MediaStream;
  readonly source: MediaStreamAudioSourceNode;
  readonly capture: CaptureNode;
}

/**
 * The audio side of a voice conversation, on one `AudioContext`: microphone → 16 kHz PCM16 chunks, and model
 * PCM16 (24 kHz) → speakers and {@link outputStream}, with interruption and levels for a visualizer.
 *
 * Create it synchronously inside the user's gesture (a click handler) so the context may start (iOS Safari
 * requires that), then `await startCapture()`. `dispose()` releases everything.
 */
export class AudioEngine {
  /** The shared context, at the device's native sample rate. */
  readonly context: AudioContext;
  /** The model's voice as a live `MediaStream` (for recording or routing elsewhere). */
  readonly outputStream: MediaStream;
  /** Receives each microphone chunk: PCM16LE mono, 16 kHz, `chunkMs` long. Not called while {@link muted}. */
  onChunk: ((pcm: ArrayBuffer) => void) | null = null;
  /** Called when queued model audio stops playing (drained, or flushed). */
  onPlaybackEnd: (() => void) | null = null;
  /** Called when queued model audio starts to sound. */
  onPlaybackStart: (() => void) | null = null;
  /** Called when the microphone track ends by itself (device unplugged, permission revoked). */
  onCaptureEnded: (() => void) | null = null;
  /** Called when the pipeline the capture worklet sends to stopped beating (see {@link connectPipeline}). */
  onPipelineSilent: (() => void) | null = null;
  /**
   * Called when the context, after it ran, will not run again (its resume rejects, or it says "running" while its
   * clock stands still: iOS after a call or the lock screen). A new engine on a new context is the way back.
   */
  onContextLost: (() => void) | null = null;

  private readonly streamDestination: MediaStreamAudioDestinationNode;
  private readonly speakers: SpeakerOutput;
  private readonly playbackOptions: PlaybackQueueOptions;
  private readonly readyPromise: Promise<void>;
  private readonly stopRecovery: () => void;
  private playback: PlaybackQueue | null = null;
  // Calls made before the playback worklet exists, replayed in order once it does.
  private pendingPlayback: Array<(queue: PlaybackQueue) => void> = [];
  private pendingPlaying = false;
  private input: MicrophoneInput | null = null;
  private captureGeneration = 0;
  // The microphone being opened by startCapture(), until it is in use or stopped.
  private openingMicrophone: Promise<MediaStream> | null = null;
  private isMuted = false;
  private disposal: Promise<void> | null = null;
  private pipeline: PipelinePorts | null = null;
  private capturePortFree = false;

  /**
   * Creates the `AudioContext` and asks it to start, synchronously, so that a call from a user gesture unlocks
   * audio on browsers that require one. Starts loading the worklet modules at once.
   */
  constructor(options: AudioEngineOptions = {}) {
    const { playback, context, ...contextOptions } = options;
    this.playbackOptions = { ...playback };
    this.context = context ?? new AudioContext({ latencyHint: 'interactive', ...contextOptions });
    // Not awaited: what matters is that resume() is called within the gesture.
    if (this.context.state !== 'running' && this.context.state !== 'closed') this.context.resume().catch(() => {});
    this.streamDestination = this.context.createMediaStreamDestination();
    this.speakers = new SpeakerOutput(this.context);
    this.outputStream = this.streamDestination.stream;
    this.readyPromise = loadAudioWorklets(this.context).then(() => this.createPlayback());
    // Errors surface through ready() / startCapture(); avoid an unhandled rejection meanwhile.
    this.readyPromise.catch(() => {});
    this.stopRecovery = keepContextRunning(this.context, () => this.resume(), () => this.onContextLost?.());
  }

  /** Resolves once both worklet modules are loaded and playback is wired (once per context). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * Opens the microphone and starts producing chunks. Rejects with `getUserMedia`'s own `DOMException`
   * (`NotAllowedError`, `NotFoundError`, …) untouched, so callers can classify it. Calling it again replaces the
   * running capture (to switch devices, say).
   */
  async startCapture(options: CaptureOptions = {}): Promise<void> {
    this.assertUsable();
    const generation = ++this.captureGeneration;
    const { chunkMs, bargeIn, ...microphoneOptions } = options;
    const streamPromise = openMicrophone(microphoneOptions);
    this.openingMicrophone = streamPromise;
    // Observed here so a denial while the worklets load is not reported as unhandled; awaited below.
    streamPromise.catch(() => {});
    try {
      await this.readyPromise;
    } catch (error) {
      // The worklets failed: do not leave a microphone granted meanwhile switched on.
      streamPromise.then(stopStream, () => {});
      throw error;
    }
    const stream = await streamPromise;
    if (this.openingMicrophone === streamPromise) this.openingMicrophone = null;
    if (generation !== this.captureGeneration || this.disposal) {
      stopStream(stream);
      if (this.disposal) throw new DOMException('The audio engine was disposed.', 'AbortError');
      throw new DOMException('Superseded by a later startCapture() call.', 'AbortError');
    }
    // A running capture keeps its worklet: only the source changes, so chunks flow on without a gap.
    if (this.input) {
      this.swapSource(stream);
      return;
    }
    const capture = new CaptureNode(this.context, { chunkMs, bargeIn, muted: this.isMuted });
    capture.onChunk = (pcm) => this.onChunk?.(pcm);
    // A port goes to one capture worklet: the first one started after connectPipeline() (nothing to send again).
    if (this.pipeline && this.capturePortFree) capture.connectPipeline({ ...this.pipeline, resend: false });
    this.capturePortFree = false;
    capture.onPipelineSilent = () => this.onPipelineSilent?.();
    const source = this.context.createMediaStreamSource(stream);
    capture.connectSource(source);
    this.watchEnded(stream);
    this.input = { stream, source, capture };
  }

  /** The new microphone feeds the running capture worklet, then the old one is stopped. */
  private swapSource(stream: MediaStream): void {
    const previous = this.input!;
    const source = this.context.createMediaStreamSource(stream);
    previous.capture.connectSource(source);
    this.watchEnded(stream);
    this.input = { stream, source, capture: previous.capture };
    previous.source.disconnect();
    stopStream(previous.stream);
  }

  private watchEnded(stream: MediaStream): void {
    for (const track of stream.getAudioTracks()) {
      // The handler property, not addEventListener: Firefox calls only the former for a track's `ended`.
      track.onended = () => {
        if (this.input?.stream === stream) this.onCaptureEnded?.();
      };
    }
  }

  /** Loudness of the voice on the speakers, 0–1, also for audio already queued (see {@link SpeakerOutput}). */
  get volume(): number {
    return this.speakers.volume;
  }

  set volume(value: number) {
    this.speakers.volume = value;
  }

  /** The speaker the voice plays on ('' for the system default). */
  get speakerId(): string {
    return this.speakers.speakerId;
  }

  /** Plays the voice on another speaker ('' for the default). False where the browser cannot choose one. */
  setSpeaker(deviceId: string): Promise<boolean> {
    return this.speakers.setSpeaker(deviceId);
  }

  /**
   * From now on the microphone's chunks and levels, and the voice's levels, go to the session's pipeline through
   * `ports` instead of the main thread: {@link onChunk} is no longer called and {@link inputLevel} stays 0;
   * {@link outputLevel} is read 5 times a second instead of 20. The pipeline queues the model's audio on the
   * playback worklet itself, with its turns and flushes (see {@link noteVoiceQueued} and {@link flushed}). Called
   * again (the pipeline moved), the worklets move to the new ports; with `ports.resend` the capture worklet sends
   * again what the previous pipeline had not sent on. {@link onPipelineSilent} hears of a pipeline that stopped
   * beating.
   */
  connectPipeline(ports: PipelinePorts): void {
    if (this.disposal) {
      ports.capture.close();
      ports.playback.close();
      return;
    }
    this.pipeline = ports;
    this.capturePortFree = !this.input;
    if (this.input) this.input.capture.connectPipeline(ports);
    if (this.playback) this.playback.connectPipeline(ports.playback);
  }

  /** Stops the microphone (its tracks end) and the capture node; playback is unaffected. */
  stopCapture(): void {
    const input = this.input;
    this.input = null;
    if (!input) return;
    stopStream(input.stream);
    input.source.disconnect();
    input.capture.dispose();
  }

  /** True while a microphone is open. */
  get capturing(): boolean {
    return this.input !== null;
  }

  /** The open microphone stream (to show its device label, say), or null. */
  get microphoneStream(): MediaStream | null {
    return this.input?.stream ?? null;
  }

  /**
   * While true, {@link onChunk} is not called; the microphone and the graph keep running (no new permission
   * prompt, no rebuild), and {@link inputLevel} reads 0. The capture node applies it.
   */
  get muted(): boolean {
    return this.isMuted;
  }

  set muted(value: boolean) {
    this.isMuted = value;
    if (this.input) this.input.capture.muted = value;
  }

  /** Latest microphone RMS level, 0..1 (0 while muted or not capturing). */
  get inputLevel(): number {
    return this.input?.capture.level ?? 0;
  }

  /** Latest model-voice RMS level, 0..1 (0 when silent). */
  get outputLevel(): number {
    return this.playback?.level ?? 0;
  }

  /** True from an {@link enqueue} until that audio has played out or been flushed. */
  get playing(): boolean {
    return this.playback ? this.playback.playing : this.pendingPlaying;
  }

  /** Times playback ran dry in the middle of a turn. */
  get underruns(): number {
    return this.playback?.underruns ?? 0;
  }

  /**
   * Queues model audio: PCM16LE mono at `sampleRate` (default 24000). Calls made before {@link ready} are kept
   * and played once it resolves. The bytes are copied unless `transfer` gives the buffer up (see
   * {@link PlaybackQueue.enqueue}).
   */
  enqueue(pcm: ArrayBuffer | ArrayBufferView, sampleRate?: number, { transfer = false } = {}): void {
    if (this.disposal) return;
    if (this.playback) {
      this.playback.enqueue(pcm, sampleRate, { transfer });
      return;
    }
    // A buffer handed over is kept as it is; otherwise copy now, since the caller may reuse its buffer before
    // the worklets are loaded (the kept copy is then handed over in turn).
    const kept = transfer ? pcm : ArrayBuffer.isView(pcm) ? new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength).slice() : pcm.slice(0);
    this.pendingPlaying = true;
    this.pendingPlayback.push((queue) => queue.enqueue(kept, sampleRate, { transfer: true }));
  }

  /** Model audio the pipeline queued on the playback worklet itself, the last of it as enqueue `seq`. */
  noteVoiceQueued(seq: number): void {
    this.playback?.noteEnqueued(seq);
  }

  /**
   * How much of the interrupted answer had been heard when the pipeline's flush that started turn `turn` reached
   * the playback worklet (see {@link PlaybackQueue.flushed}).
   */
  flushed(turn: number): Promise<PlayedTime> {
    return this.playback?.flushed(turn) ?? Promise.resolve({ playedMs: 0, playedSamples: 0 });
  }

  /** Marks the start of a model turn; {@link flush} reports played time from here. Call before its audio. */
  startTurn(): void {
    if (this.disposal) return;
    if (this.playback) this.playback.startTurn();
    else this.pendingPlayback.push((queue) => queue.startTurn());
  }

  /**
   * Interruption: silent after the current render quantum plus a few-millisecond fade; everything queued is
   * discarded; audio enqueued after this call plays as the next turn. Resolves (within a render quantum or so)
   * with how much of the interrupted turn (since {@link startTurn} or the previous flush) was heard, so a
   * transcript can be cut to match; {@link played} gives the same figure synchronously, as an estimate.
   */
  flush(): Promise<PlayedTime> {
    if (this.playback) return this.playback.flush();
    // Nothing has been played yet: drop what is pending (turn markers included).
    const wasPlaying = this.pendingPlaying;
    this.pendingPlayback = [];
    this.pendingPlaying = false;
    if (wasPlaying) this.onPlaybackEnd?.();
    return Promise.resolve({ playedMs: 0, playedSamples: 0 });
  }

  /**
   * How much of the current turn has been heard so far: the playback processor's latest report (up to 60 a
   * second), extrapolated to now while audio plays.
   */
  played(): PlayedTime {
    return this.playback?.played() ?? { playedMs: 0, playedSamples: 0 };
  }

  /**
   * Resumes the context after the browser or OS suspended or interrupted it (a phone call, iOS backgrounding).
   * Call it from a user gesture, or on the context's `statechange`.
   */
  resume(): Promise<void> {
    this.assertUsable();
    return this.context.resume();
  }

  /**
   * Stops the microphone tracks, disconnects every node, closes the worklet ports and the context, and ends
   * {@link outputStream}'s tracks. Safe to call more than once; every call returns the same promise.
   */
  dispose(): Promise<void> {
    if (!this.disposal) this.disposal = this.release();
    return this.disposal;
  }

  private async release(): Promise<void> {
    this.stopRecovery();
    this.captureGeneration++;
    // A microphone granted while the worklets were still loading is stopped now, not when startCapture() resumes
    // (Firefox grants its fake device before the worklets load, and they may finish after the context closed).
    this.openingMicrophone?.then(stopStream, () => {});
    this.openingMicrophone = null;
    this.stopCapture();
    this.playback?.dispose();
    this.playback = null;
    this.pendingPlayback = [];
    this.pendingPlaying = false;
    this.streamDestination.disconnect();
    this.speakers.dispose();
    stopStream(this.outputStream);
    this.onChunk = null;
    this.onPlaybackEnd = null;
    this.onPlaybackStart = null;
    this.onCaptureEnded = null;
    this.onPipelineSilent = null;
    this.onContextLost = null;
    // A context its creator closed meanwhile (or is closing) needs nothing more.
    if (this.context.state !== 'closed') await this.context.close().catch(() => {});
  }

  private createPlayback(): void {
    if (this.disposal) return;
    const playback = new PlaybackQueue(this.context, this.playbackOptions);
    playback.onPlaybackStart = () => this.onPlaybackStart?.();
    playback.onPlaybackEnd = () => this.onPlaybackEnd?.();
    playback.node.connect(this.speakers.input);
    playback.node.connect(this.streamDestination);
    if (this.pipeline) playback.connectPipeline(this.pipeline.playback);
    this.playback = playback;
    for (const call of this.pendingPlayback) call(playback);
    this.pendingPlayback = [];
    this.pendingPlaying = false;
  }

  private assertUsable(): void {
    if (this.disposal) throw new DOMException('The audio engine was disposed.', 'InvalidStateError');
  }
}
