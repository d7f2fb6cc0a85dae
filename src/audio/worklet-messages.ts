/**
 * The messages the audio worklet processors and their main-thread nodes exchange over `port`, shared by both
 * sides so neither can drift from the other. Audio travels as transferred `ArrayBuffer`s of PCM16LE.
 */

/** Name the capture processor registers under. */
export const CAPTURE_PROCESSOR = 'gemini-live-capture';
/** Name the playback processor registers under. */
export const PLAYBACK_PROCESSOR = 'gemini-live-playback';

/** `processorOptions` of the capture processor. */
export interface CaptureProcessorOptions {
  /** Milliseconds of 16 kHz audio per chunk (10–100). */
  chunkMs: number;
  /** Start with chunks suppressed. */
  muted?: boolean;
  /** `barge-in` as the page set it (see `EchoGuard`; default `auto`). */
  bargeIn?: string;
  /** Whether the browser's echo canceller covers the voice (default true). */
  echoCancelled?: boolean;
}

/** Main thread → capture processor. */
export type CaptureCommand =
  /** Stop (true) or resume (false) emitting chunks; levels keep coming. */
  | { type: 'mute'; muted: boolean }
  /**
   * From now on, chunks and levels go to `port` (the session's pipeline, in the socket worker or on the page)
   * instead of this node's own port, which then gets nothing from this processor; a port given before is closed.
   * `keepMs`: copies of the chunks sent in the last `keepMs` are kept. With `resend`, those the previous pipeline
   * had not sent on (after the `sentThrough` of its last {@link PipelineBeat}) go to `port` first. `silentMs`: a
   * pipeline that beats on `port` and then stays silent for this long has failed, and the processor says so on
   * its own port ({@link CaptureNodeEvent} `silent`), once.
   */
  | { type: 'pipeline'; port: MessagePort; keepMs: number; silentMs?: number; resend?: boolean }
  /**
   * The echo guard's view of the echo canceller changed: `cancelled`, whether it covers the voice; `rearm`, it
   * adapts anew (a device changed), so its first seconds are guarded again.
   */
  | { type: 'echo'; cancelled: boolean; rearm: boolean }
  /** Let the processor end: it returns false from `process` and can be collected. */
  | { type: 'stop' };

/** An input level report, each 0..1. */
export interface InputLevel {
  rms: number;
  peak: number;
}

/** Capture processor → main thread. */
export type CaptureEvent =
  /**
   * One chunk of PCM16LE mono at 16 kHz, `chunkMs` long; `time`: the render quantum that completed it. `level`:
   * a level report that came due since the previous chunk, carried along instead of in a message of its own.
   */
  | { type: 'chunk'; pcm: ArrayBuffer; time: number; level?: InputLevel }
  /** Input level over the last interval (at most 20 a second), each 0..1. */
  | { type: 'level'; rms: number; peak: number };

/**
 * Capture processor → its node's own port: the {@link CaptureEvent}s until a pipeline takes them, and `silent`:
 * the pipeline stopped beating (see the `pipeline` command's `silentMs`).
 */
export type CaptureNodeEvent = CaptureEvent | { type: 'silent' };

/**
 * Pipeline → capture processor, on the pipeline's port: the pipeline still runs; `sentThrough` is the `time` of
 * the last chunk it sent on a socket (-1 before the first).
 */
export interface PipelineBeat {
  type: 'beat';
  sentThrough: number;
}

/** `processorOptions` of the playback processor. */
export interface PlaybackProcessorOptions {
  /** Default rate of queued PCM (24000). */
  inputRate?: number;
  /** Jitter-buffer lead in ms (default 40). */
  leadMs?: number;
  /** Largest lead after underruns in ms (default 200). */
  maxLeadMs?: number;
  /** Fade-out on flush in ms (default 4). */
  fadeMs?: number;
}

/** Main thread → playback processor. */
export type PlaybackCommand =
  /** PCM16LE mono to queue; `seq` increases with every enqueue so `drained` can be matched to it. */
  | { type: 'enqueue'; pcm: ArrayBuffer; sampleRate: number; seq: number }
  /** A model turn starts at the current end of the queue; `turn` numbers it for the status reports. */
  | { type: 'turn'; turn: number }
  /**
   * Interruption: fade out and discard what is queued; answered by `flushed`. What follows counts as turn
   * number `turn`.
   */
  | { type: 'flush'; turn: number }
  /**
   * A second port, the session's pipeline's (in the socket worker or on the page): the voice's levels go out on it
   * as {@link OutputLevelEvent}s, 20 a second while audio plays, and commands come in on it as on `port` (the
   * pipeline queues the model's audio and marks its turns and flushes itself). The node's status reports, which
   * then need not feed a meter, come 5 a second. A port given before is closed (the pipeline moved): what it
   * still carried is dropped, and `moved` tells the node's port what had arrived.
   */
  | { type: 'pipeline'; port: MessagePort }
  /** Let the processor end. */
  | { type: 'stop' };

/** Playback processor → main thread. */
export type PlaybackEvent =
  /** Playback started (the jitter buffer reached its lead). */
  | { type: 'started' }
  /** Playback stopped: the queue ran dry or a flush faded out. `seq` is the last enqueue received before. */
  | { type: 'drained'; seq: number }
  /**
   * A `pipeline` port replaced an earlier one: `seq` is the last enqueue received before (the earlier pipeline's
   * last to arrive), `playing` whether audio is still queued or playing.
   */
  | { type: 'moved'; seq: number; playing: boolean }
  /** Answer to the `flush` that started turn `turn`: what had been played of the interrupted turn. */
  | { type: 'flushed'; turn: number; playedMs: number; playedSamples: number }
  /**
   * Periodic report: at most 20 a second while audio plays, and on every stop and flush. `time` is the context
   * time it was taken at, so the main thread can extrapolate `playedMs` while `playing`. `leadMs`: the jitter
   * buffer's current lead.
   */
  | {
      type: 'status';
      turn: number;
      time: number;
      playing: boolean;
      rms: number;
      peak: number;
      queuedMs: number;
      playedMs: number;
      underruns: number;
      leadMs: number;
    };

/** Playback processor → the port given by a `pipeline` command: the voice's level, each 0..1; 0 once it stops. */
export interface OutputLevelEvent {
  rms: number;
  peak: number;
}

/** The worklets' ends of their channels to the session's pipeline (in the socket worker or on the page). */
export interface PipelinePorts {
  /** Where the capture worklet sends its chunks and levels. */
  capture: MessagePort;
  /** Where the playback worklet takes the pipeline's commands and sends the voice's levels. */
  playback: MessagePort;
  /** How long the capture worklet keeps copies of the chunks it sent (to send them again after a fault). */
  keepMs: number;
  /** After a pipeline's first beat, how long a silence means it failed (see the capture `pipeline` command). */
  silentMs?: number;
  /** The capture worklet sends again the kept chunks the previous pipeline had not sent on. */
  resend?: boolean;
}
