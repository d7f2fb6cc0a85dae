import type { Session } from '@google/genai';
import type { PageSocketFactory } from '../pipeline/sdk-sockets.js';

/** One WebSocket connection to the Live service. A session spans several (goAway handovers, reconnects). */
export class Connection {
  /** The SDK's WebSocket factory for this connection (its sockets are in the session's pipeline). */
  readonly socketFactory: PageSocketFactory;
  session?: Session;
  /** `setupComplete` arrived. */
  ready = false;
  closed = false;
  /** We closed it (stop, handover finished): its close is not a failure. */
  closedByUs = false;
  /** The server announced its end; a successor is being opened. */
  goingAway = false;
  /** After a handover: close once its current model turn is done. */
  retireAfterTurn = false;
  closeCode?: number;
  closeReason?: string;
  private readonly timers: number[] = [];

  constructor(socketFactory: PageSocketFactory) {
    this.socketFactory = socketFactory;
  }

  /** The SDK session, while input can be sent on it. */
  get writable(): Session | undefined {
    return this.ready && !this.closed ? this.session : undefined;
  }

  /** Runs `action` after `ms` unless the connection closes first. */
  later(ms: number, action: () => void): void {
    this.timers.push(window.setTimeout(action, ms));
  }

  /** Records a close, whoever started it. */
  markClosed(event: CloseEvent | undefined): void {
    this.closed = true;
    this.closeCode = event?.code;
    this.closeReason = event?.reason;
    this.clearTimers();
  }

  close(): void {
    this.closedByUs = true;
    this.clearTimers();
    // Our own close first, with a normal code (the SDK's close() sends none).
    this.socketFactory.closeAll(1000, 'client closed');
    try {
      this.session?.close();
    } catch {
      // Already closed.
    }
  }

  private clearTimers(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }
}
