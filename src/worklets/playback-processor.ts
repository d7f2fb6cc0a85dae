import { VoiceEnvelope } from '../audio/echo-guard.js';
import { PlaybackBuffer } from '../audio/playback-buffer.js';
import {
  PLAYBACK_PROCESSOR,
  type PlaybackCommand,
  type PlaybackEvent,
  type PlaybackProcessorOptions,
  type OutputLevelEvent,
} from '../audio/worklet-messages.js';
import { publishVoiceLevel } from './voice-level.js';
import { worklet } from './worklet-scope.js';

// Each report is a task on the page's main thread: 20 a second feed a level meter and the played-time estimate
// (which extrapolates between reports) without keeping that thread busy.
const STATUS_INTERVAL_SECONDS = 1 / 20;
// Once the levels go to the pipeline's meter, the main thread's reports only carry the played time, which
// it extrapolates between them.
const QUIET_STATUS_INTERVAL_SECONDS = 1 / 5;

/**
 * Model audio queue → speakers. The jitter buffer, resampling and flush logic live in {@link PlaybackBuffer};
 * this class feeds it from the port, renders it into the single mono output and reports back.
 */
class PlaybackProcessor extends worklet.AudioWorkletProcessor {
  private readonly buffer: PlaybackBuffer;
  private readonly inputRate: number;
  private running = true;
  private lastSeq = 0;
  private turn = 0;
  private framesSinceStatus = 0;
  private statusFrames: number;
  private framesSinceLevel = 0;
  private readonly levelFrames: number;
  private pipelinePort: MessagePort | null = null;
  // What the capture processor's echo guard compares the microphone with.
  private readonly voice = new VoiceEnvelope({ sampleRate: worklet.sampleRate });

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const settings = (options.processorOptions ?? {}) as PlaybackProcessorOptions;
    this.inputRate = settings.inputRate ?? 24000;
    this.buffer = new PlaybackBuffer({
      outputRate: worklet.sampleRate,
      inputRate: this.inputRate,
      leadMs: settings.leadMs,
      maxLeadMs: settings.maxLeadMs,
      fadeMs: settings.fadeMs,
    });
    this.statusFrames = Math.ceil(worklet.sampleRate * STATUS_INTERVAL_SECONDS);
    this.levelFrames = this.statusFrames;
    this.buffer.onStart = () => this.post({ type: 'started' });
    this.buffer.onDrain = () => {
      this.reportLevel();
      this.reportStatus(worklet.currentTime);
      this.post({ type: 'drained', seq: this.lastSeq });
    };
    this.port.onmessage = (event: MessageEvent<PlaybackCommand>) => this.handle(event.data);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (!this.running || !output || output.length === 0) return this.running;
    const channel = output[0];
    this.buffer.render(channel);
    // Any further channels (if a caller forces more) carry the same mono signal.
    for (let c = 1; c < output.length; c++) output[c].set(channel);
    publishVoiceLevel(this.voice.add(channel), worklet.currentFrame);
    if (this.buffer.playing) {
      this.framesSinceLevel += channel.length;
      if (this.pipelinePort && this.framesSinceLevel >= this.levelFrames) this.reportLevel();
      this.framesSinceStatus += channel.length;
      if (this.framesSinceStatus >= this.statusFrames) {
        this.reportStatus(worklet.currentTime + channel.length / worklet.sampleRate);
      }
    }
    return true;
  }

  private handle(command: PlaybackCommand): void {
    switch (command.type) {
      case 'enqueue':
        this.lastSeq = command.seq;
        this.buffer.enqueue(new Int16Array(command.pcm), command.sampleRate);
        break;
      case 'turn':
        this.turn = command.turn;
        this.buffer.startTurn();
        break;
      case 'flush':
        this.turn = command.turn;
        this.post({ type: 'flushed', turn: command.turn, ...this.buffer.flush() });
        // The level so far is that of the flushed audio: the next report measures only what follows.
        this.buffer.level.reset();
        this.reportLevel();
        this.reportStatus(worklet.currentTime);
        break;
      case 'pipeline':
        if (this.pipelinePort) {
          this.pipelinePort.close();
          this.post({ type: 'moved', seq: this.lastSeq, playing: this.buffer.playing || this.buffer.queuedMs > 0 });
        }
        this.pipelinePort = command.port;
        this.pipelinePort.onmessage = (event: MessageEvent<PlaybackCommand>) => this.handle(event.data);
        this.statusFrames = Math.ceil(worklet.sampleRate * QUIET_STATUS_INTERVAL_SECONDS);
        break;
      case 'stop':
        this.running = false;
        this.pipelinePort?.close();
        this.port.onmessage = null;
        break;
    }
  }

  // The level since the last report, to the pipeline's meter (once it has a port); the next reading starts afresh.
  private reportLevel(): void {
    if (!this.pipelinePort) return;
    const level = this.buffer.level;
    const playing = this.buffer.playing;
    this.pipelinePort.postMessage({ rms: playing ? level.rms : 0, peak: playing ? level.peak : 0 } satisfies OutputLevelEvent);
    level.reset();
    this.framesSinceLevel = 0;
  }

  // `time`: the context time up to which the buffer has rendered.
  private reportStatus(time: number): void {
    const level = this.buffer.level;
    this.post({
      type: 'status',
      turn: this.turn,
      time,
      playing: this.buffer.playing,
      rms: level.rms,
      peak: level.peak,
      queuedMs: this.buffer.queuedMs,
      playedMs: this.buffer.played().playedMs,
      underruns: this.buffer.underruns,
      leadMs: this.buffer.leadMs,
    });
    level.reset();
    this.framesSinceStatus = 0;
  }

  private post(event: PlaybackEvent): void {
    this.port.postMessage(event);
  }
}

worklet.registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
