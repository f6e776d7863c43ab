/**
 * One background role per fleet: the instance that holds the lease runs the
 * role (the price stream, the Telegram bot poller), the others wait and take
 * it over when the holder stops renewing. The lease is tried or renewed
 * every third of its time-to-live, so a dead holder's role moves within
 * about 1.33 x `ttlMs`. A holder that cannot reach the store keeps the role
 * only while its last grant is still valid by its own clock, then lets go,
 * so a partitioned holder stops before another may start. A clean stop
 * releases the lease at once.
 *
 * @example
 * const lease = new FleetLease({ name: 'price-stream', owner: instanceId, ttlMs: 6000, store, clock,
 *   onAcquire: () => feed.start(), onLose: () => feed.pause() });
 * await lease.start(); // holds it at once when nobody else does
 */
import type { Clock } from '../domain/clock.js';
import type { LeaseRepository } from '../store/lease-repository.js';

export interface FleetLeaseOptions {
  name: string;
  /** This instance's id. */
  owner: string;
  ttlMs: number;
  store: Pick<LeaseRepository, 'acquire' | 'release'>;
  clock: Clock;
  /** Start the role; a throw gives the lease back so another instance may take it. */
  onAcquire(): Promise<unknown> | undefined;
  /** Stop the role. */
  onLose(): Promise<unknown> | undefined;
  onError?(err: unknown, during: 'acquire' | 'role'): void;
}

export class FleetLease {
  private heldNow = false;
  private grantedUntil = 0;
  private cancel: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = true;
  /** Times this instance took the lease (for metrics and tests). */
  acquisitions = 0;

  constructor(private readonly o: FleetLeaseOptions) {}

  get name(): string {
    return this.o.name;
  }

  /** True while this instance holds the lease and runs the role. */
  get held(): boolean {
    return this.heldNow;
  }

  /** Resolves when the round in progress (if any) is done. */
  idle(): Promise<void> {
    return this.running;
  }

  /** Tries once now (so a lone instance holds the role when this resolves), then keeps trying. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.round();
  }

  /** Stops the role if held, releases the lease, stops trying. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.running;
    if (this.heldNow) {
      this.heldNow = false;
      await this.role(this.o.onLose);
      await this.o.store.release(this.o.name, this.o.owner).catch((err) => this.o.onError?.(err, 'acquire'));
    }
  }

  private round(): Promise<void> {
    this.running = this.tick().finally(() => {
      if (!this.stopped)
        this.cancel = this.o.clock.setTimer(
          Math.max(50, Math.floor(this.o.ttlMs / 3)),
          () => void this.round(),
        );
    });
    return this.running;
  }

  private async tick(): Promise<void> {
    const now = this.o.clock.now();
    let holds: boolean;
    try {
      holds = await this.o.store.acquire(this.o.name, this.o.owner, now, now + this.o.ttlMs);
      if (holds) this.grantedUntil = now + this.o.ttlMs;
    } catch (err) {
      this.o.onError?.(err, 'acquire');
      // Unconfirmed: keep the role only while the last grant surely holds (a renewal period of margin).
      holds = this.heldNow && this.o.clock.now() < this.grantedUntil - this.o.ttlMs / 3;
    }
    if (this.stopped) return;
    if (holds && !this.heldNow) {
      this.heldNow = true;
      this.acquisitions++;
      if (!(await this.role(this.o.onAcquire))) {
        this.heldNow = false;
        await this.role(this.o.onLose);
        await this.o.store
          .release(this.o.name, this.o.owner)
          .catch((err) => this.o.onError?.(err, 'acquire'));
      }
    } else if (!holds && this.heldNow) {
      this.heldNow = false;
      await this.role(this.o.onLose);
    }
  }

  private async role(fn: () => Promise<unknown> | undefined): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      this.o.onError?.(err, 'role');
      return false;
    }
  }
}
