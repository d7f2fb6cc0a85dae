import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CLOSE, closePayload, encodeFrame, FrameReader, payloadOf, readClose, type Frame, type FrameError } from './ws-frames.js';

/** What a {@link WsPeer} needs of Node, loaded by the proxy on first use. */
export interface PeerApis {
  isUtf8(data: Uint8Array): boolean;
  randomFillSync<T extends Uint8Array>(buffer: T): T;
}

export interface PeerEvents {
  /** A data, ping or pong frame. */
  frame(frame: Frame): void;
  /** A valid close frame arrived; it has been answered. `1005` when it carried no code. */
  close(code: number, reason: string): void;
  /** The peer broke the protocol; it has been sent a close with the error's code. */
  violation(error: FrameError): void;
  /** The connection is gone. */
  gone(): void;
}

/** How long a peer that is sent a close but does not answer it keeps its socket. */
export const CLOSE_GRACE_MS = 1000;

/**
 * One end of a relayed WebSocket connection, after the handshake: reads whole frames off the socket, answers a
 * close and closes the socket once both sides have sent theirs (or a second after sending its own, if the peer
 * never answers). `role` is the proxy's on this connection: as `server` it expects masked frames and sends
 * unmasked ones, as `client` the reverse. Data frames are written by the caller, as received.
 */
export class WsPeer {
  /** The proxy has sent its close frame: nothing more may be written. */
  closeSent = false;
  closeReceived = false;
  /** The socket has closed. */
  gone = false;
  private broken = false;
  private grace: ReturnType<typeof setTimeout> | undefined;
  private readonly reader: FrameReader;

  constructor(
    readonly socket: Duplex,
    private readonly role: 'server' | 'client',
    maxPayload: number,
    private readonly apis: PeerApis,
    private readonly events: PeerEvents,
  ) {
    this.reader = new FrameReader(role === 'server', maxPayload);
    (socket as Socket).setNoDelay?.(true);
    (socket as Socket).setTimeout?.(0);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // The other side ended its half: nothing more will come, so end ours (the socket then closes).
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      this.gone = true;
      clearTimeout(this.grace);
      this.events.gone();
    });
  }

  /** Reads what arrived with the handshake, if anything. */
  start(head: Buffer | undefined): void {
    if (head && head.length > 0) this.onData(head);
  }

  /** True while data frames may still be written. */
  get writable(): boolean {
    return !this.closeSent && !this.gone;
  }

  write(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** Writes a frame the proxy made itself (masked when the proxy is the client). */
  send(opcode: number, payload: Uint8Array): void {
    this.socket.write(encodeFrame(opcode, payload, this.role === 'client' ? this.mask() : undefined));
  }

  /** Sends a close (without a code when `code` is undefined), unless one was sent already. */
  close(code: number | undefined, reason: string): void {
    if (this.closeSent || this.gone) return;
    this.closeSent = true;
    this.send(CLOSE, closePayload(code, reason));
    if (this.closeReceived || this.broken) this.socket.end();
    this.grace = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.grace.unref?.();
  }

  /** Drops the connection without a close frame. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.broken || this.closeReceived) return;
    const error = this.reader.read(chunk, this.onFrame);
    if (error) this.fault(error);
  }

  private readonly onFrame = (frame: Frame): void => {
    if (this.broken || this.closeReceived) return;
    if (frame.opcode !== CLOSE) {
      this.events.frame(frame);
      return;
    }
    const close = readClose(payloadOf(frame), this.apis.isUtf8);
    if ('error' in close) {
      this.fault(close.error);
      return;
    }
    this.closeReceived = true;
    if (this.closeSent) this.socket.end();
    else this.close(close.code === 1005 ? undefined : close.code, close.reason);
    this.events.close(close.code, close.reason);
  };

  /** Ends the connection for a violation the caller found (or the reader did): closes with its code. */
  fault(error: FrameError): void {
    if (this.broken) return;
    this.broken = true;
    this.close(error.code, error.reason);
    this.events.violation(error);
  }

  private mask(): Uint8Array {
    return this.apis.randomFillSync(new Uint8Array(4));
  }
}
