/**
 * Messages between the page and a session's pipeline (`pipeline.ts`), which owns the session's WebSockets, sends
 * the microphone's chunks and queues the model's voice. The pipeline runs in the socket worker, or on the page
 * where no worker can run; the messages are the same either way.
 */
import type { DroppedFrame } from './frames.js';

/** How often the socket worker tells the capture worklet that it still runs (a `PipelineBeat`). */
export const BEAT_MS = 300;

/** How the level meter looks; read from the visualizer's computed style. */
export interface MeterLook {
  /** The visitor's bars' colour (any CSS colour). */
  color: string;
  /** The model's dots' colour (any CSS colour). */
  modelColor: string;
  /** Device pixels per CSS pixel. */
  scale: number;
  /** Fade the bars instead of moving them. */
  reducedMotion: boolean;
}

/** What the microphone may do: no chunks go out while `muted`, and in push-to-talk only while `talking`. */
export interface MicrophoneState {
  muted: boolean;
  pushToTalk: boolean;
  talking: boolean;
}

/** How much of the model's voice went to the playback worklet: `ms` of it, the last as enqueue `seq`. */
export interface VoiceQueued {
  ms: number;
  seq: number;
}

/** Page → pipeline. */
export type PipelineCommand =
  /**
   * Sent first: the worklets' ends of their channels (the capture worklet's chunks and levels, the playback
   * worklet's commands); whether the model's voice is played (`plays`; text answers are not, and their audio is
   * dropped); and where its enqueues and turns are numbered from (`base`; a pipeline that takes over numbers
   * above the one before).
   */
  | { type: 'start'; capture: MessagePort; playback: MessagePort; plays: boolean; base: number; microphone: MicrophoneState }
  /**
   * The worklets moved to a new AudioContext (the old one would not run again): their new ends, replacing those
   * given before. What was queued on the old playback worklet is gone; the next voice opens a new turn. Answered
   * by `worklets` once in use.
   */
  | { type: 'worklets'; capture: MessagePort; playback: MessagePort }
  /** Open socket `id` to `url`. */
  | { type: 'open'; id: number; url: string }
  | { type: 'send'; id: number; text: string }
  /** The page closes socket `id`: what it says from now on no longer counts, and is dropped. */
  | { type: 'close'; id: number; code: number; reason: string }
  /**
   * Microphone chunks go to socket `id` (the connection that counts for input); `null`, or a socket that is not
   * open, keeps them in a bounded backlog that goes first to the next socket named.
   */
  | { type: 'current'; id: number | null }
  | ({ type: 'microphone' } & MicrophoneState)
  /** Answered by `pong` at once: the page checks that the worker still answers. */
  | { type: 'ping' }
  /** Draw the level meter into `canvas` (transferred), `width`×`height` CSS pixels. Socket worker only. */
  | { type: 'meter'; canvas: OffscreenCanvas; width: number; height: number; look: MeterLook }
  | { type: 'meter-look'; look: MeterLook }
  /** Whether the meter can be seen (not hidden, not scrolled away); it does not draw while not. */
  | { type: 'meter-visible'; visible: boolean }
  /** Close every socket with `code` and `reason`, then end: answered by `ended`. */
  | { type: 'shutdown'; code: number; reason: string };

/** Pipeline → page. */
export type PipelineEvent =
  /** The socket worker runs (the first thing it says). */
  | { type: 'ready' }
  | { type: 'opened'; id: number }
  /**
   * A frame that passed screening: the text of a JSON object, without the model's voice (the pipeline queued it).
   * `voice`: voice queued before it and not yet reported, to be read first. `flushed`: the message interrupted the
   * model, and the pipeline flushed the playback worklet with this turn number (its `flushed` answer says how much
   * of the interrupted answer was heard).
   */
  | { type: 'message'; id: number; text: string; voice?: VoiceQueued; flushed?: number }
  | { type: 'dropped'; id: number; frame: DroppedFrame }
  | { type: 'error'; id: number }
  | { type: 'closed'; id: number; code: number; reason: string; wasClean: boolean }
  /** Voice from socket `id` went to the playback worklet. */
  | ({ type: 'voice'; id: number } & VoiceQueued)
  /** Bytes still queued on socket `id`; reported while it is above zero, and once when it gets back to zero. */
  | { type: 'buffered'; id: number; bytes: number }
  /** Answer to `ping`. */
  | { type: 'pong' }
  /** The worklets' new ports are in use: every report about the old worklets came before this. */
  | { type: 'worklets' }
  /** Every socket closed after `shutdown`. */
  | { type: 'ended' };
