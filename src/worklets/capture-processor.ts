import { CaptureChain, checkedChunkMs } from '../audio/capture-chain.js';
import { bargeInMode, EchoGuard } from '../audio/echo-guard.js';
import {
  CAPTURE_PROCESSOR,
  type CaptureCommand,
  type CaptureEvent,
  type CaptureNodeEvent,
  type CaptureProcessorOptions,
  type InputLevel,
  type PipelineBeat,
} from '../audio/worklet-messages.js';
import { voiceLevelAt } from './voice-level.js';
import { worklet } from './worklet-scope.js';

// Levels only drive a meter: 20 reports a second are plenty.
const LEVEL_INTERVAL_MS = 50;

/**
 * Microphone → 16 kHz PCM16 chunks. Everything but the port and the render callback lives in
 * {@link CaptureChain}; this class only moves data between it and the main thread.
 */
class CaptureProcessor extends worklet.AudioWorkletProcessor {
  private readonly chain: CaptureChain;
  private readonly guard: EchoGuard;
  private running = true;
  private pendingLevel: InputLevel | undefined;
  // Where chunks and levels go: this node's port, or the session's pipeline once it takes them.
  private out: MessagePort = this.port;
  // Copies of the chunks sent lately (while `keepMs` asks for them), oldest first, to send again after a fault.
  private kept: Array<{ time: number; pcm: ArrayBuffer }> = [];
  private keepMs = 0;
  // The pipeline's heartbeat: render frames a silence may last, and frames since its last beat (-1 before one).
  private silentFrames = 0;
  private sinceBeat = -1;
  private beatAt = 0;
  private sentThrough = -1;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const settings = options.processorOptions as CaptureProcessorOptions;
    this.chain = new CaptureChain({ inputRate: worklet.sampleRate, chunkMs: settings.chunkMs, levelIntervalMs: LEVEL_INTERVAL_MS });
    this.chain.muted = settings.muted ?? false;
    this.guard = new EchoGuard({ sampleRate: worklet.sampleRate, mode: bargeInMode(settings.bargeIn), echoCancelled: settings.echoCancelled });
    this.chain.onChunk = (pcm) => {
      const time = worklet.currentTime;
      if (this.keepMs > 0) this.keep(time, pcm);
      // Transferred, not copied; the chain allocates the next chunk itself.
      this.post({ type: 'chunk', pcm, time, level: this.pendingLevel }, [pcm]);
      this.pendingLevel = undefined;
    };
    // Each message is a task on the page's main thread: while chunks flow more often than levels, a level rides
    // on the next chunk (at most one chunk later); muted, or with chunks longer than the level interval, it goes
    // on its own.
    const levelsRide = checkedChunkMs(settings.chunkMs) <= LEVEL_INTERVAL_MS;
    this.chain.onLevel = (rms, peak) => {
      if (levelsRide && !this.chain.muted) this.pendingLevel = { rms, peak };
      else this.post({ type: 'level', rms, peak });
    };
    this.port.onmessage = (event: MessageEvent<CaptureCommand>) => this.handle(event.data);
  }

  process(inputs: Float32Array[][]): boolean {
    // With nothing connected the input has no channels: there is nothing to capture, not even silence.
    const channel = inputs[0]?.[0];
    // The echo guard mutes the model's voice leaking into the microphone before anything else sees it.
    if (channel && this.running) this.chain.process(this.guard.process(channel, voiceLevelAt(worklet.currentFrame, channel.length)), channel.length);
    // The audio clock judges the pipeline, so a page that is busy or a tab in the background cannot fool it; the
    // wall clock must agree, since an engine may render many quanta in one burst (WebKitGTK does).
    if (this.sinceBeat >= 0 && this.silentFrames > 0) {
      this.sinceBeat += 128;
      if (this.sinceBeat > this.silentFrames && Date.now() - this.beatAt > (this.silentFrames / worklet.sampleRate) * 1000) {
        this.sinceBeat = -1;
        this.port.postMessage({ type: 'silent' } satisfies CaptureNodeEvent);
      }
    }
    return this.running;
  }

  private handle(command: CaptureCommand): void {
    switch (command.type) {
      case 'mute':
        this.chain.muted = command.muted;
        this.pendingLevel = undefined;
        break;
      case 'pipeline':
        this.sendTo(command);
        break;
      case 'echo':
        this.guard.echoCancelled = command.cancelled;
        if (command.rearm) this.guard.rearm();
        break;
      case 'stop':
        this.running = false;
        if (this.out !== this.port) this.out.close();
        this.port.onmessage = null;
        break;
    }
  }

  private sendTo({ port, keepMs, silentMs, resend }: Extract<CaptureCommand, { type: 'pipeline' }>): void {
    if (this.out !== this.port) this.out.close();
    this.out = port;
    if (resend) {
      for (const { time, pcm } of this.kept) if (time > this.sentThrough) this.post({ type: 'chunk', pcm, time }, [pcm]);
    }
    this.kept = [];
    this.keepMs = Math.max(0, keepMs);
    this.silentFrames = silentMs ? Math.round((silentMs / 1000) * worklet.sampleRate) : 0;
    this.sinceBeat = -1;
    this.sentThrough = -1;
    port.onmessage = (event: MessageEvent<PipelineBeat>) => {
      this.sinceBeat = 0;
      this.beatAt = Date.now();
      this.sentThrough = event.data.sentThrough;
    };
  }

  private keep(time: number, pcm: ArrayBuffer): void {
    this.kept.push({ time, pcm: pcm.slice(0) });
    const oldest = time - this.keepMs / 1000;
    while (this.kept.length && this.kept[0].time < oldest) this.kept.shift();
  }

  private post(event: CaptureEvent, transfer: Transferable[] = []): void {
    this.out.postMessage(event, transfer);
  }
}

worklet.registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
