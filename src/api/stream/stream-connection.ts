/**
 * One subscriber's send path. Updates are written straight away while the
 * socket keeps up; once its buffered bytes reach the high-water mark they
 * wait in a map keyed by (topic, key) that holds only the latest value of
 * each key (conflation), and are written as earlier writes complete. Memory
 * is bounded whatever the publish rate: at most `maxPendingKeys` pending
 * entries (references to frames shared with other subscribers) plus about
 * `maxBufferedBytes` in the socket. A client that stays behind (more pending
 * keys than allowed, or updates pending for longer than `maxLagMs`) is
 * closed with 4008 and a reason that says how far behind it was.
 */
import type { Clock } from '../../domain/clock.js';
import { CloseCode, closeReason } from './protocol.js';

/** What the hub needs of a transport; the route adapts a `ws` WebSocket to it. */
export interface StreamSocket {
  /** Bytes accepted by send() but not yet handed to the operating system. */
  readonly bufferedAmount: number;
  /** Writes one text frame; `done` runs once it has been written (or has failed). */
  send(frame: Buffer | string, done: (err?: Error) => void): void;
  close(code: number, reason: string): void;
}

export interface ConnectionLimits {
  /** Distinct (topic, key) updates a connection may have waiting before it is closed. */
  maxPendingKeys: number;
  /** The high-water mark: nothing more is written while the socket buffers this much. */
  maxBufferedBytes: number;
  /** How long updates may stay pending (the socket never catching up) before the client is closed. */
  maxLagMs: number;
}

/** Counters shared by every connection of a hub. */
export interface StreamCounters {
  sent: number;
  conflated: number;
  slowDisconnects: number;
}

export class StreamConnection {
  /** The topics this connection is subscribed to; the hub keeps its indexes in step. */
  readonly topics = new Set<string>();
  private readonly pending = new Map<string, Buffer>();
  private pendingSince = 0;
  private cancelLagTimer: (() => void) | undefined;
  private closed = false;
  private readonly onWritten = (err?: Error): void => {
    if (!err && this.pending.size > 0) this.flush();
  };

  constructor(
    readonly userId: number,
    private readonly socket: StreamSocket,
    private readonly limits: ConnectionLimits,
    private readonly clock: Clock,
    private readonly counters: StreamCounters,
    private readonly onClosed: (c: StreamConnection) => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  get pendingKeys(): number {
    return this.pending.size;
  }

  /**
   * Sends one update, or keeps it as the latest value of its slot until the socket drains.
   * @param slot `topic + '\n' + key`, computed once per publish
   * @param frame the serialised update, shared by every subscriber of the publish
   */
  push(slot: string, frame: Buffer): void {
    if (this.closed) return;
    if (this.pending.size === 0) {
      if (this.socket.bufferedAmount < this.limits.maxBufferedBytes) {
        this.write(frame);
        return;
      }
      this.startLagTimer();
    }
    const size = this.pending.size;
    this.pending.set(slot, frame);
    if (this.pending.size === size) this.counters.conflated++;
    else if (this.pending.size > this.limits.maxPendingKeys)
      this.tooSlow(`too slow: ${this.pending.size} updates pending (limit ${this.limits.maxPendingKeys})`);
  }

  /** Drops pending updates of topics the client no longer wants. */
  dropPending(topics: readonly string[]): void {
    const drop = new Set(topics);
    for (const slot of this.pending.keys()) {
      if (drop.has(slot.slice(0, slot.indexOf('\n')))) this.pending.delete(slot);
    }
    if (this.pending.size === 0) this.stopLagTimer();
  }

  /**
   * Sends a protocol reply (ready, subscribed, pong, error) ahead of pending updates.
   * Replies are bounded too: a client that keeps sending requests but never reads is closed.
   */
  reply(text: string): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount >= 2 * this.limits.maxBufferedBytes) {
      this.tooSlow(`too slow: ${this.socket.bufferedAmount} bytes unread`);
      return;
    }
    this.socket.send(text, this.onWritten);
  }

  /** Closes the socket with `code` and forgets the connection. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.release();
    this.socket.close(code, closeReason(reason));
  }

  /** The socket closed by itself (peer gone, error): forget the connection. */
  dispose(): void {
    if (!this.closed) this.release();
  }

  private write(frame: Buffer): void {
    this.counters.sent++;
    this.socket.send(frame, this.onWritten);
  }

  private flush(): void {
    if (this.closed) return;
    for (const [slot, frame] of this.pending) {
      if (this.socket.bufferedAmount >= this.limits.maxBufferedBytes) return;
      this.pending.delete(slot);
      this.write(frame);
    }
    this.stopLagTimer();
  }

  private startLagTimer(): void {
    this.pendingSince = this.clock.now();
    this.cancelLagTimer = this.clock.setTimer(this.limits.maxLagMs, () => {
      this.cancelLagTimer = undefined;
      if (this.pending.size > 0)
        this.tooSlow(
          `too slow: ${this.pending.size} updates pending for ${this.clock.now() - this.pendingSince} ms`,
        );
    });
  }

  private stopLagTimer(): void {
    this.cancelLagTimer?.();
    this.cancelLagTimer = undefined;
  }

  private tooSlow(reason: string): void {
    this.counters.slowDisconnects++;
    this.close(CloseCode.tooSlow, reason);
  }

  private release(): void {
    this.closed = true;
    this.pending.clear();
    this.stopLagTimer();
    this.onClosed(this);
  }
}
