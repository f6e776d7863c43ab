/**
 * Limits per client address, applied before a request costs anything:
 * - `capConnections`: a client address may hold at most N open connections
 *   (HTTP and WebSocket); further ones are closed as they arrive;
 * - `AuthFailureLimiter`: failed token lookups per address, so a client
 *   spraying unknown tokens is answered 429 before any token is hashed or
 *   looked up. A request with a remembered token is never charged; a lookup
 *   charges one token up front (so concurrent attempts cannot overrun it) and
 *   a successful one gives it back.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../domain/clock.js';
import { RateLimitedError } from '../domain/errors.js';
import type { User } from '../domain/user.js';
import { growingLru } from '../lib/growing-lru.js';
import { TokenBucket } from '../lib/token-bucket.js';
import type { UserService } from '../users/user-service.js';

export interface ConnectionCapStats {
  refused: number;
}

/** Closes connections beyond `max` per remote address (0: no cap). */
export function capConnections(server: Server, max: number): ConnectionCapStats {
  const stats = { refused: 0 };
  if (max <= 0) return stats;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const n = open.get(address) ?? 0;
    if (n >= max) {
      stats.refused++;
      socket.destroy();
      return;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return stats;
}

export class AuthFailureLimiter {
  private readonly buckets = growingLru<string, TokenBucket>(10_000);

  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number,
  ) {}

  /** Takes one attempt for `address`: 0 when allowed, otherwise ms until the next one is. */
  charge(address: string): number {
    let bucket = this.buckets.get(address);
    if (!bucket) {
      bucket = new TokenBucket(this.clock, this.perMinute / 60, this.perMinute);
      this.buckets.set(address, bucket);
    }
    return bucket.take(1);
  }

  /** Throws 429 (RATE_LIMITED) when `address` has no attempt left; otherwise takes one. */
  chargeOrThrow(address: string): void {
    const wait = this.charge(address);
    if (wait > 0)
      throw new RateLimitedError(
        `Too many requests without a valid token from ${address}; retry in ${Math.ceil(wait / 1000)} s`,
        wait,
      );
  }

  /** Gives back the attempt of a lookup that succeeded. */
  refund(address: string): void {
    this.buckets.get(address)?.refund(1);
  }

  /**
   * The user of `token` for a client at `address`: remembered tokens for free,
   * others charged to the address (429 when it has none left) and given back on success.
   */
  async authenticate(users: UserService, address: string, token: string): Promise<User | undefined> {
    const known = users.remembered(token);
    if (known) return known;
    this.chargeOrThrow(address);
    const user = await users.lookUp(token);
    if (user) this.refund(address);
    return user;
  }
}
