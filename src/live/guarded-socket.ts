/**
 * A WebSocket factory for the SDK that screens incoming frames before the SDK parses them. The SDK calls
 * `JSON.parse` on every frame inside a promise it does not catch, so a malformed frame would surface as an
 * unhandled rejection in the page; here such frames are dropped (and counted) instead.
 */

/** Frames larger than this are dropped unread: real Live messages are a few kilobytes. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** What the SDK hands a socket to call back. */
export interface SocketCallbacks {
  onopen: () => void;
  onerror: (event: Event) => void;
  onclose: (event: CloseEvent) => void;
  onmessage: (event: MessageEvent) => void;
}

export interface DroppedFrame {
  reason: 'not-json' | 'not-an-object' | 'too-large' | 'unreadable';
  bytes: number;
}

const decoder = new TextDecoder();

export class GuardedSocket {
  private ws?: WebSocket;

  constructor(
    private readonly url: string,
    private readonly callbacks: SocketCallbacks,
    private readonly onDropped: (frame: DroppedFrame) => void,
  ) {}

  connect(): void {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.callbacks.onopen();
    ws.onerror = (event) => this.callbacks.onerror(event);
    ws.onclose = (event) => this.callbacks.onclose(event);
    ws.onmessage = (event) => this.screen(event);
    this.ws = ws;
  }

  send(message: string): void {
    if (!this.ws) throw new Error('WebSocket is not connected');
    // Sending on a closing socket is a no-op in browsers; only CONNECTING throws, which the SDK never does.
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(message);
  }

  close(code?: number, reason?: string): void {
    if (this.ws) closeSocket(this.ws, code, reason);
  }

  /** Bytes queued for sending: lets video frames be skipped while the socket is backed up. */
  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  private screen(event: MessageEvent): void {
    const screened = screenFrame(event.data);
    if ('text' in screened) this.callbacks.onmessage(new MessageEvent('message', { data: screened.text }));
    else this.onDropped(screened);
  }
}

/** Closes `ws` with `code` and `reason` unless it is closing already; a code the browser refuses closes it plainly. */
export function closeSocket(ws: WebSocket, code?: number, reason?: string): void {
  if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
  try {
    ws.close(code, reason);
  } catch {
    ws.close();
  }
}

/** A frame that passed screening: its text, and the object it holds. */
export interface ScreenedFrame {
  text: string;
  message: Record<string, unknown>;
}

/**
 * One incoming frame as the SDK may see it: the text of a JSON object, or why it was dropped. Shared by the
 * socket on the page and the one in the socket worker.
 */
export function screenFrame(data: unknown): ScreenedFrame | DroppedFrame {
  let text: string;
  if (typeof data === 'string') {
    if (data.length > MAX_FRAME_BYTES) return { reason: 'too-large', bytes: data.length };
    text = data;
  } else if (data instanceof ArrayBuffer) {
    if (data.byteLength > MAX_FRAME_BYTES) return { reason: 'too-large', bytes: data.byteLength };
    text = decoder.decode(data);
  } else {
    return { reason: 'unreadable', bytes: 0 };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'not-json', bytes: text.length };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { reason: 'not-an-object', bytes: text.length };
  }
  return { text, message: parsed as Record<string, unknown> };
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

/** Drop-in for the SDK's browser WebSocket factory. Remembers its sockets so a stuck setup can be closed. */
export class GuardedSocketFactory implements SocketFactory {
  private readonly sockets: GuardedSocket[] = [];

  constructor(private readonly onDropped: (frame: DroppedFrame) => void) {}

  create(url: string, _headers: Record<string, string>, callbacks: SocketCallbacks): GuardedSocket {
    const socket = new GuardedSocket(url, callbacks, this.onDropped);
    this.sockets.push(socket);
    return socket;
  }

  /** Bytes queued on the latest socket (the one in use). */
  get bufferedAmount(): number {
    return this.sockets[this.sockets.length - 1]?.bufferedAmount ?? 0;
  }

  /** Closes every socket this factory made. */
  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }
}
