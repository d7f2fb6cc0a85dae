/**
 * The socket worker's microphone path: chunks from the capture worklet go out as `realtimeInput.audio` on the
 * socket in use, or wait in a bounded backlog while none is open (setup, reconnects, handovers), and are sent
 * first once one is. The page only says which socket is in use and whether audio may flow.
 */
import { AudioBacklog } from '../live/audio-backlog.js';
import { bytesToBase64 } from '../audio/base64.js';

/** The socket a chunk goes out on. */
export interface RelayTarget {
  readonly open: boolean;
  send(text: string): void;
}

/** Exactly what the SDK's `sendRealtimeInput({ audio: { data, mimeType } })` puts on the wire. */
export function audioMessage(pcm: ArrayBuffer): string {
  return `{"realtimeInput":{"audio":{"data":"${bytesToBase64(new Uint8Array(pcm))}","mimeType":"audio/pcm;rate=16000"}}}`;
}

export class AudioRelay {
  private readonly backlog = new AudioBacklog(5000);
  private target: RelayTarget | undefined;
  private muted = false;
  private pushToTalk = false;
  private talking = false;

  /** Whether the input level should show (not while muted). */
  get levelsShow(): boolean {
    return !this.muted;
  }

  gate(muted: boolean, pushToTalk: boolean, talking: boolean): void {
    this.muted = muted;
    this.pushToTalk = pushToTalk;
    this.talking = talking;
  }

  /** The socket in use from now on; what waited goes to it first, if it is open. */
  route(target: RelayTarget | undefined): void {
    this.target = target;
    if (!target?.open) return;
    for (const chunk of this.backlog.drain()) target.send(audioMessage(chunk));
  }

  /** One chunk of PCM16LE 16 kHz mono from the capture worklet. */
  chunk(pcm: ArrayBuffer): void {
    if (this.muted || (this.pushToTalk && !this.talking)) return;
    if (this.target?.open) this.target.send(audioMessage(pcm));
    else this.backlog.push(pcm);
  }

  clear(): void {
    this.backlog.clear();
  }
}
