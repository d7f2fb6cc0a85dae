/**
 * The microphone's way to the service: chunks from the capture worklet go out as `realtimeInput.audio` on the
 * socket that counts for input, or wait in a bounded backlog while none is open (setup, reconnects, handovers)
 * and go first once one is. Nothing goes out while muted, nor in push-to-talk while the talk control is up.
 */
import { bytesToBase64 } from '../audio/base64.js';
import type { MicrophoneState } from './messages.js';

// The backlog keeps the newest 5 s of 16 kHz PCM16 (32 bytes a millisecond): a long outage cannot grow it.
const BACKLOG_BYTES = 5000 * 32;

/** The socket a chunk goes out on. */
export interface UplinkSocket {
  readonly open: boolean;
  send(text: string): void;
}

/** Exactly what the SDK's `sendRealtimeInput({ audio: { data, mimeType } })` puts on the wire. */
export function audioMessage(pcm: ArrayBuffer): string {
  return `{"realtimeInput":{"audio":{"data":"${bytesToBase64(new Uint8Array(pcm))}","mimeType":"audio/pcm;rate=16000"}}}`;
}

export class MicrophoneUplink {
  private backlog: Array<{ pcm: ArrayBuffer; time: number }> = [];
  private backlogBytes = 0;
  private socket: UplinkSocket | undefined;
  private state: MicrophoneState = { muted: false, pushToTalk: false, talking: false };
  /** The capture `time` of the last chunk sent on a socket (-1 before the first). */
  sentThrough = -1;

  get muted(): boolean {
    return this.state.muted;
  }

  setMicrophone(state: MicrophoneState): void {
    this.state = { muted: state.muted, pushToTalk: state.pushToTalk, talking: state.talking };
  }

  /** The socket that counts for input from now on; what waited goes to it first, if it is open. */
  setSocket(socket: UplinkSocket | undefined): void {
    this.socket = socket;
    if (!socket?.open) return;
    for (const { pcm, time } of this.backlog) {
      socket.send(audioMessage(pcm));
      this.sentThrough = time;
    }
    this.clear();
  }

  /** One chunk of PCM16LE 16 kHz mono from the capture worklet, completed at context time `time`. */
  chunk(pcm: ArrayBuffer, time: number): void {
    const { muted, pushToTalk, talking } = this.state;
    if (muted || (pushToTalk && !talking)) return;
    if (this.socket?.open) {
      this.socket.send(audioMessage(pcm));
      this.sentThrough = time;
    } else {
      this.backlog.push({ pcm, time });
      this.backlogBytes += pcm.byteLength;
      while (this.backlogBytes > BACKLOG_BYTES) this.backlogBytes -= this.backlog.shift()!.pcm.byteLength;
    }
  }

  clear(): void {
    this.backlog = [];
    this.backlogBytes = 0;
  }
}
