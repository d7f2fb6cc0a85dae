import { checkedChunkMs } from './capture-chain.js';
import { bargeInMode, cancelsPageOutput } from './echo-guard.js';
import { loadAudioWorklets } from './worklet-loader.js';
import {
  CAPTURE_PROCESSOR,
  type CaptureCommand,
  type CaptureNodeEvent,
  type CaptureProcessorOptions,
  type InputLevel,
  type PipelinePorts,
} from './worklet-messages.js';

/** Settings of a {@link CaptureNode}. */
export interface CaptureNodeOptions {
  /** Milliseconds of audio per chunk, 10–100 (default 20). */
  chunkMs?: number;
  /** Start muted. */
  muted?: boolean;
  /**
   * `barge-in`: `guarded` mutes microphone audio that is likely the voice's echo while the voice plays, `auto` does
   * so only where the echo canceller cannot be trusted, `always` never; anything else is `auto`.
   */
  bargeIn?: string;
}

/**
 * Main-thread side of the capture worklet: connect any mono source (a microphone's
 * `MediaStreamAudioSourceNode`, an oscillator in tests) and receive 16 kHz PCM16LE chunks of `chunkMs` each.
 * The node has no outputs: it only listens.
 */
export class CaptureNode {
  /** The worklet node; sources connect to it (see {@link connectSource}). */
  readonly node: AudioWorkletNode;
  /** Milliseconds of audio per chunk. */
  readonly chunkMs: number;
  /**
   * Receives each chunk (PCM16LE mono, 16 kHz; the callee owns the buffer) and the context time of the render
   * quantum that completed it.
   */
  onChunk: ((pcm: ArrayBuffer, time: number) => void) | null = null;
  /** Receives the input level (RMS and peak, 0..1) up to 60 times a second. */
  onLevel: ((rms: number, peak: number) => void) | null = null;
  /** The pipeline the chunks go to stopped beating (see {@link connectPipeline}). */
  onPipelineSilent: (() => void) | null = null;

  private source: AudioNode | null = null;
  private isMuted: boolean;
  private rmsLevel = 0;
  private peakLevel = 0;
  private disposed = false;
  // `barge-in="auto"`: what the echo guard is told about the echo canceller, and how it hears of device changes.
  private readonly autoGuard: boolean;
  private echoCancelled: boolean;
  private readonly onDevicesChanged = () => this.rearmEchoGuard();

  /** Loads the worklet modules into `context` if needed, then creates the node. */
  static async create(context: BaseAudioContext, options: CaptureNodeOptions = {}): Promise<CaptureNode> {
    await loadAudioWorklets(context);
    return new CaptureNode(context, options);
  }

  /** Creates the node; the worklet modules must already be loaded (see {@link CaptureNode.create}). */
  constructor(context: BaseAudioContext, options: CaptureNodeOptions = {}) {
    this.chunkMs = checkedChunkMs(options.chunkMs);
    this.isMuted = options.muted ?? false;
    this.autoGuard = bargeInMode(options.bargeIn) === 'auto';
    this.echoCancelled = echoCancellerTrusted(context, null);
    const processorOptions: CaptureProcessorOptions = {
      chunkMs: this.chunkMs,
      muted: this.isMuted,
      bargeIn: options.bargeIn,
      echoCancelled: this.echoCancelled,
    };
    this.node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      // Stereo sources are averaged to mono by the graph before they reach the processor.
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions,
    });
    this.node.port.onmessage = (event: MessageEvent<CaptureNodeEvent>) => this.handle(event.data);
    if (this.autoGuard) {
      // Another speaker (`setSinkId`) or another default device: the canceller starts over, or cannot follow.
      context.addEventListener('sinkchange', this.onDevicesChanged);
      globalThis.navigator?.mediaDevices?.addEventListener?.('devicechange', this.onDevicesChanged);
    }
  }

  /**
   * `barge-in="auto"`: the echo canceller adapts anew (a microphone or speaker changed), so the next seconds of
   * the voice are guarded again. Called by the node itself when its source is replaced, the context's speaker
   * changes or a device comes or goes.
   */
  rearmEchoGuard(): void {
    if (!this.autoGuard || this.disposed) return;
    this.echoCancelled = echoCancellerTrusted(this.node.context, this.source);
    this.send({ type: 'echo', cancelled: this.echoCancelled, rearm: true });
  }

  /**
   * While muted no chunks are delivered (those already in flight are dropped too); the graph keeps running and
   * levels keep coming, so unmuting is instant and never asks for permission again.
   */
  get muted(): boolean {
    return this.isMuted;
  }

  set muted(value: boolean) {
    if (value === this.isMuted || this.disposed) return;
    this.isMuted = value;
    this.send({ type: 'mute', muted: value });
  }

  /** Latest input RMS level, 0..1 (0 while muted). */
  get level(): number {
    return this.isMuted ? 0 : this.rmsLevel;
  }

  /** Latest input peak level, 0..1 (0 while muted). */
  get peak(): number {
    return this.isMuted ? 0 : this.peakLevel;
  }

  /**
   * Sends the chunks and levels to `ports.capture` (transferred) instead of {@link onChunk} and {@link onLevel}:
   * the session's pipeline takes them there. {@link level} then stays 0. See the capture `pipeline` command for
   * `keepMs`, `silentMs` (then {@link onPipelineSilent}) and `resend`.
   */
  connectPipeline({ capture: port, keepMs, silentMs, resend }: PipelinePorts): void {
    if (this.disposed) {
      port.close();
      return;
    }
    this.rmsLevel = 0;
    this.peakLevel = 0;
    this.node.port.postMessage({ type: 'pipeline', port, keepMs, silentMs, resend } satisfies CaptureCommand, [port]);
  }

  /** Connects `source` (replacing the previous one). */
  connectSource(source: AudioNode): void {
    const replaced = this.source !== null;
    this.disconnectSource();
    source.connect(this.node);
    this.source = source;
    if (replaced) this.rearmEchoGuard();
    else if (this.autoGuard && echoCancellerTrusted(this.node.context, source) !== this.echoCancelled) {
      this.echoCancelled = !this.echoCancelled;
      this.send({ type: 'echo', cancelled: this.echoCancelled, rearm: false });
    }
  }

  /** Disconnects the current source, if any. */
  disconnectSource(): void {
    if (!this.source) return;
    try {
      this.source.disconnect(this.node);
    } catch {
      // Already disconnected (its context may be closed): nothing left to undo.
    }
    this.source = null;
  }

  /** Disconnects the source, ends the processor and closes the port. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disconnectSource();
    this.node.context.removeEventListener('sinkchange', this.onDevicesChanged);
    globalThis.navigator?.mediaDevices?.removeEventListener?.('devicechange', this.onDevicesChanged);
    this.send({ type: 'stop' });
    this.node.port.onmessage = null;
    this.node.port.close();
    this.onChunk = null;
    this.onLevel = null;
    this.onPipelineSilent = null;
    this.rmsLevel = 0;
    this.peakLevel = 0;
  }

  private handle(event: CaptureNodeEvent): void {
    if (this.disposed) return;
    switch (event.type) {
      case 'chunk':
        if (event.level) this.takeLevel(event.level);
        if (!this.isMuted) this.onChunk?.(event.pcm, event.time);
        break;
      case 'level':
        this.takeLevel(event);
        break;
      case 'silent':
        this.onPipelineSilent?.();
        break;
    }
  }

  private takeLevel({ rms, peak }: InputLevel): void {
    this.rmsLevel = rms;
    this.peakLevel = peak;
    this.onLevel?.(rms, peak);
  }

  private send(command: CaptureCommand): void {
    this.node.port.postMessage(command);
  }
}

/**
 * Whether the browser's echo canceller can be trusted to keep the voice out of `source`: not in Firefox (it
 * does not cancel Web Audio output well), not while the context plays on a speaker other than the default (the
 * canceller's reference is the default device), and not when the microphone's own processing is off
 * (`no-audio-processing`, or `echoCancellation: false` in the constraints).
 */
export function echoCancellerTrusted(context: BaseAudioContext, source: AudioNode | null): boolean {
  if (/\bFirefox\//.test(globalThis.navigator?.userAgent ?? '')) return false;
  const sink = (context as { sinkId?: unknown }).sinkId;
  if (typeof sink === 'string' && sink !== '' && sink !== 'default') return false;
  const track = (source as Partial<MediaStreamAudioSourceNode> | null)?.mediaStream?.getAudioTracks()[0];
  return !track || cancelsPageOutput(track.getSettings().echoCancellation);
}
