/**
 * The SDK's WebSockets, as the page gives them to it: each one's frames go through the session's pipeline
 * (in the socket worker or on the page), which screens them before the SDK parses them.
 */
import type { DroppedFrame } from './frames.js';
import type { PipelineCommand, VoiceQueued } from './messages.js';

/** What the SDK hands a socket to call back. */
export interface SocketCallbacks {
  onopen: () => void;
  onerror: (event: Event) => void;
  onclose: (event: CloseEvent) => void;
  onmessage: (event: MessageEvent) => void;
}

/** The SDK's side of a socket. */
export interface SdkSocket {
  connect(): void;
  send(message: string): void;
  close(code?: number, reason?: string): void;
}

/** What a connection needs of its WebSocket factory (the SDK calls `create`). */
export interface SocketFactory {
  create(url: string, headers: Record<string, string>, callbacks: SocketCallbacks): SdkSocket;
  /** Bytes queued on the latest socket (the one in use). */
  readonly bufferedAmount: number;
  /** Closes every socket this factory made. */
  closeAll(code: number, reason: string): void;
}

/** What a connection hears of its sockets besides what the SDK hears. */
export interface SocketListener {
  /** A frame, or a piece of one, could not be read and was dropped. */
  dropped(frame: DroppedFrame): void;
  /** The pipeline queued voice from this connection on the playback worklet. */
  voice(queued: VoiceQueued): void;
  /**
   * The message about to reach the SDK interrupted the model, and the pipeline flushed the playback worklet
   * with turn number `turn`.
   */
  flushed(turn: number): void;
}

/** Where a socket's commands go: the session's pipeline. */
export interface CommandSink {
  post(command: PipelineCommand): void;
}

/** The page's side of one socket in the pipeline, as the SDK sees it. */
export class PageSocket implements SdkSocket {
  bufferedAmount = 0;

  constructor(
    readonly id: number,
    private readonly url: string,
    readonly callbacks: SocketCallbacks,
    readonly listener: SocketListener,
    private readonly sink: CommandSink,
  ) {}

  connect(): void {
    this.sink.post({ type: 'open', id: this.id, url: this.url });
  }

  send(message: string): void {
    this.sink.post({ type: 'send', id: this.id, text: message });
  }

  close(code = 1000, reason = ''): void {
    this.sink.post({ type: 'close', id: this.id, code, reason });
  }
}

/** The SDK's WebSocket factory for one connection. */
export class PageSocketFactory implements SocketFactory {
  private readonly sockets: PageSocket[] = [];

  constructor(
    private readonly make: (url: string, callbacks: SocketCallbacks) => PageSocket,
  ) {}

  create(url: string, _headers: Record<string, string>, callbacks: SocketCallbacks): PageSocket {
    const socket = this.make(url, callbacks);
    this.sockets.push(socket);
    return socket;
  }

  /** The socket in use (the latest), if any. */
  get latest(): PageSocket | undefined {
    return this.sockets[this.sockets.length - 1];
  }

  get bufferedAmount(): number {
    return this.latest?.bufferedAmount ?? 0;
  }

  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }
}
