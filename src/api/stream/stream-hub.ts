/**
 * The hub the rest of the application publishes to, independent of the
 * transport. It indexes subscriptions so that a publish nobody listens to
 * costs a map lookup, serialises each update once per publish (every
 * subscriber is handed the same bytes), and never waits for a client: each
 * connection conflates what its socket cannot take yet (stream-connection.ts).
 */
import { type Clock, systemClock } from '../../domain/clock.js';
import { ValidationError } from '../../domain/errors.js';
import type { UpdateSink } from '../../updates/update-sink.js';
import { CloseCode, updateFrame } from './protocol.js';
import {
  type ConnectionLimits,
  StreamConnection,
  type StreamCounters,
  type StreamSocket,
} from './stream-connection.js';
import { isUserTopic } from './topics.js';

export interface StreamHubOptions {
  /** @default systemClock */
  clock?: Clock;
  /** Distinct (topic, key) updates one slow connection may hold before it is closed. @default 10000 */
  maxPendingKeys?: number;
  /** Socket high-water mark: above it updates wait, conflated, in the pending map. @default 1 MiB */
  maxBufferedBytes?: number;
  /** How long updates may stay pending before a connection is closed as too slow. @default 5000 */
  maxLagMs?: number;
  /** Topics one connection may subscribe to. @default 256 */
  maxTopicsPerConnection?: number;
}

export interface StreamStats {
  /** Open, authenticated connections. */
  connections: number;
  /** (connection, topic) pairs. */
  subscriptions: number;
  /** publish() calls, listened to or not. */
  published: number;
  /** Update frames written to sockets. */
  sent: number;
  /** Pending updates replaced by a newer value of the same key before being sent. */
  conflated: number;
  /** Connections closed with 4008 for falling too far behind. */
  slowDisconnects: number;
}

/**
 * @example
 * const hub = new StreamHub();
 * hub.publish('markets:BTC/USDT', 'price', { price: '97000.5' });
 * hub.publish('positions', '42', position, userId); // only that user's connections get it
 */
export class StreamHub implements UpdateSink {
  private readonly clock: Clock;
  private readonly limits: ConnectionLimits;
  private readonly maxTopics: number;
  private readonly connections = new Set<StreamConnection>();
  private readonly publicTopics = new Map<string, Set<StreamConnection>>();
  private readonly userTopics = new Map<number, Map<string, Set<StreamConnection>>>();
  private readonly counters: StreamCounters = { sent: 0, conflated: 0, slowDisconnects: 0 };
  private published = 0;
  private subscriptions = 0;
  private closing = false;

  constructor(opts: StreamHubOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.limits = {
      maxPendingKeys: opts.maxPendingKeys ?? 10_000,
      maxBufferedBytes: opts.maxBufferedBytes ?? 2 ** 20,
      maxLagMs: opts.maxLagMs ?? 5_000,
    };
    this.maxTopics = opts.maxTopicsPerConnection ?? 256;
  }

  get maxTopicsPerConnection(): number {
    return this.maxTopics;
  }

  /** Registers an authenticated socket; it receives nothing until it subscribes. */
  connect(socket: StreamSocket, userId: number): StreamConnection {
    const conn = new StreamConnection(userId, socket, this.limits, this.clock, this.counters, (c) =>
      this.forget(c),
    );
    this.connections.add(conn);
    if (this.closing) conn.close(CloseCode.goingAway, 'server shutting down');
    return conn;
  }

  /**
   * Subscribes `conn` to `topics` (already validated names), all or none.
   * @throws ValidationError when the connection would pass maxTopicsPerConnection
   */
  subscribe(conn: StreamConnection, topics: readonly string[]): void {
    if (conn.isClosed) return;
    const added = topics.filter((t) => !conn.topics.has(t));
    if (conn.topics.size + added.length > this.maxTopics)
      throw new ValidationError(
        `too many topics: ${conn.topics.size} subscribed + ${added.length} new > ${this.maxTopics} per connection`,
      );
    for (const topic of added) {
      conn.topics.add(topic);
      this.subscribers(topic, conn.userId, true)!.add(conn);
      this.subscriptions++;
    }
  }

  /** Unsubscribes `conn` from `topics`; their pending updates are dropped, none arrives afterwards. */
  unsubscribe(conn: StreamConnection, topics: readonly string[]): void {
    for (const topic of topics) this.remove(conn, topic);
    conn.dropPending(topics);
  }

  /**
   * Pushes the latest value of `key` on `topic` to its subscribers, without waiting for any of them.
   * @param userId required for user-scoped topics (positions, traders), refused for public ones
   */
  publish(topic: string, key: string, data: unknown, userId?: number): void {
    const user = isUserTopic(topic);
    if (user !== (userId !== undefined))
      throw new ValidationError(
        user
          ? `topic ${topic} is scoped to a user: publish it with a userId`
          : `topic ${topic} is public: publish it without a userId`,
      );
    this.published++;
    const subs = user ? this.userTopics.get(userId!)?.get(topic) : this.publicTopics.get(topic);
    if (subs === undefined) return;
    const frame = updateFrame(topic, key, data, this.clock.now());
    const slot = `${topic}\n${key}`;
    for (const conn of subs) conn.push(slot, frame);
  }

  /** Whether any connection listens to `topic` (for `userId` when it is user-scoped): skip building payloads otherwise. */
  wants(topic: string, userId?: number): boolean {
    if (!isUserTopic(topic)) return this.publicTopics.has(topic);
    return userId !== undefined && this.userTopics.get(userId)?.has(topic) === true;
  }

  stats(): StreamStats {
    return {
      connections: this.connections.size,
      subscriptions: this.subscriptions,
      published: this.published,
      ...this.counters,
    };
  }

  /** Closes every connection with 1001 (going away); later connections are refused the same way. */
  async close(): Promise<void> {
    this.closing = true;
    for (const conn of [...this.connections]) conn.close(CloseCode.goingAway, 'server shutting down');
  }

  private subscribers(topic: string, userId: number, create: boolean): Set<StreamConnection> | undefined {
    let index = this.publicTopics;
    if (isUserTopic(topic)) {
      let perUser = this.userTopics.get(userId);
      if (perUser === undefined) {
        if (!create) return undefined;
        perUser = new Map();
        this.userTopics.set(userId, perUser);
      }
      index = perUser;
    }
    let subs = index.get(topic);
    if (subs === undefined && create) {
      subs = new Set();
      index.set(topic, subs);
    }
    return subs;
  }

  private remove(conn: StreamConnection, topic: string): void {
    if (!conn.topics.delete(topic)) return;
    this.subscriptions--;
    const subs = this.subscribers(topic, conn.userId, false);
    if (subs === undefined) return;
    subs.delete(conn);
    if (subs.size > 0) return;
    if (!isUserTopic(topic)) {
      this.publicTopics.delete(topic);
      return;
    }
    const perUser = this.userTopics.get(conn.userId)!;
    perUser.delete(topic);
    if (perUser.size === 0) this.userTopics.delete(conn.userId);
  }

  private forget(conn: StreamConnection): void {
    for (const topic of [...conn.topics]) this.remove(conn, topic);
    this.connections.delete(conn);
  }
}
