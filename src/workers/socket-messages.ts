/**
 * Messages between the page and the socket worker (`socket-worker.ts`), which owns a session's WebSockets, sends
 * the microphone's chunks straight from the capture worklet and draws the level meter, so that a conversation
 * keeps the page's main thread free.
 */
import type { DroppedFrame } from '../live/guarded-socket.js';
import type { PlaybackCommand } from '../worklets/messages.js';

/** How the meter looks; read from the visualizer's computed style. */
export interface MeterLook {
  /** The bars' colour (any CSS colour). */
  color: string;
  /** Device pixels per CSS pixel. */
  scale: number;
  /** Fade the bars instead of moving them. */
  reducedMotion: boolean;
}

/** Page → worker. */
export type SocketCommand =
  /** Open socket `id` to `url`. */
  | { type: 'open'; id: number; url: string }
  | { type: 'send'; id: number; text: string }
  | { type: 'close'; id: number; code: number; reason: string }
  /**
   * Microphone chunks go to socket `id` once it is open (and to every later one it names); `null`, or a socket
   * that is not open, keeps them in a bounded backlog that goes first to the next socket named.
   */
  | { type: 'route'; id: number | null }
  /**
   * Whether chunks go out: not while `muted`, and in push-to-talk only while `talking`. Input levels show unless
   * muted.
   */
  | { type: 'gate'; muted: boolean; pushToTalk: boolean; talking: boolean }
  /** A port on which a capture worklet posts its chunks and levels (`CaptureEvent`s). */
  | { type: 'capture'; port: MessagePort }
  /**
   * The playback worklet's port: it posts the voice's levels (`OutputLevelEvent`s) there and takes commands from
   * it, the model's audio queued here among them.
   */
  | { type: 'playback-port'; port: MessagePort }
  /** A command of the page's `PlaybackQueue`, passed on to the worklet in order with the audio queued here. */
  | { type: 'playback'; command: PlaybackCommand }
  /** Whether the model's audio goes from the socket straight to the playback worklet (see `ModelAudioTap`). */
  | { type: 'tap'; enabled: boolean }
  /** Draw the level meter into `canvas` (transferred), `width`×`height` CSS pixels. */
  | { type: 'meter'; canvas: OffscreenCanvas; width: number; height: number; look: MeterLook }
  | { type: 'meter-look'; look: MeterLook }
  /** Whether the meter can be seen (not hidden, not scrolled away); it does not draw while not. */
  | { type: 'meter-visible'; visible: boolean }
  /** Close every socket with `code` and `reason`, then end: answered by `shut`. */
  | { type: 'shutdown'; code: number; reason: string };

/** Worker → page. */
export type SocketEvent =
  | { type: 'ready' }
  | { type: 'opened'; id: number }
  /**
   * A frame that passed screening: the text of a JSON object (without the model audio the worker queued itself);
   * `audio`: audio queued before it and not yet noticed, as in an `audio` event, to be read first.
   */
  | { type: 'message'; id: number; text: string; audio?: { ms: number; seq: number } }
  | { type: 'dropped'; id: number; frame: DroppedFrame }
  | { type: 'error'; id: number }
  | { type: 'closed'; id: number; code: number; reason: string; wasClean: boolean }
  /** `ms` of model audio from socket `id` went to the playback worklet, the last of it as enqueue `seq`. */
  | { type: 'audio'; id: number; ms: number; seq: number }
  /** Bytes still queued on socket `id`; reported while it is above zero, and once when it gets back to zero. */
  | { type: 'buffered'; id: number; bytes: number }
  | { type: 'shut' };
