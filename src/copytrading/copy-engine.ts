/**
 * Runs the watchers: one per (source, address) that an enabled follow
 * watches, each on one instance at a time. Every `leaseMs / 3` the engine
 * takes or renews the leases of the leaders it can run (free, expired or
 * already its own), starts a watcher for each lease it holds and stops those
 * it lost; a dead holder's leases expire and another instance takes them
 * within `leaseMs`. If two instances briefly both run a watcher, the cursor's
 * compare-and-set and the unique (follow, trade) key keep copies single.
 *
 * A pass reads the watched leaders (a join over every follow: 12-24 ms at
 * 10,000 follows, on the event loop) only when they may have changed: a
 * follow changed here (`followsChanged`), the fleet-wide marker of follows
 * and watchers moved (`CopyRepository.followsMarker`: no scan of follows), a
 * leader is watched only for its grace (which ends as its watcher polls),
 * or `FULL_READ_MS` passed. Otherwise it renews the leases of the leaders it
 * already knows, and reads only the watchdog's candidates, not every watcher.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { TraderSource } from '../domain/trader.js';
import type { CopyRepository, WatchedLeader, WatcherRow } from '../store/copy-repository.js';
import type { LeaderSource, LeaderTrade } from '../venues/leader-source.js';
import type { FanoutResult } from './copy-fanout.js';
import { CopyStats } from './copy-stats.js';
import { LeaderWatcher, type WatcherDeps } from './leader-watcher.js';
import { PageBatcher } from './page-batcher.js';

/** The longest the watched leaders go without a full read, whatever the marker says (a backstop). */
const FULL_READ_MS = 30_000;

export interface StalledWatcher {
  source: string;
  address: string;
  /** Since the source last answered this watcher. */
  quietMs: number;
  /** The last read's error, if it failed. */
  error: string | null;
  holder: string | null;
}

export interface CopyEngineOptions extends Omit<WatcherDeps, 'applied' | 'failed' | 'pages'> {
  copies: CopyRepository;
  clock: Clock;
  sources: ReadonlyMap<TraderSource, LeaderSource>;
  /** How late a source may report a trade; a switched-off follow's leader is watched this much longer. @default 60000 */
  graceMs?: number;
  /** A lease not renewed for this long is taken over by another instance. @default 9000 */
  leaseMs?: number;
  /** After a committed page: pushes and cache drops. */
  onApplied?(result: FanoutResult): void | Promise<void>;
  onError?(err: unknown, context: string): void;
  /** This instance's name in leases. @default a random id */
  instanceId?: string;
  /** A watched leader not heard from for longer than this is stalled (`stalled()`). @default 120000 */
  watchdogMs?: number;
}

export class CopyEngine {
  readonly instanceId: string;
  readonly stats: CopyStats;
  private readonly leaseMs: number;
  private readonly passMs: number;
  private readonly watchdogMs: number;
  private readonly running = new Map<number, LeaderWatcher>();
  private readonly pages: PageBatcher;
  private cancelTick: (() => void) | undefined;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private started = false;
  /** The watched leaders' rows as of the last pass (every instance's progress), for the watchdog. */
  private watched: WatcherRow[] = [];
  /** Watcher rows already ensured, by `source:address`. */
  private readonly known = new Map<string, WatcherRow>();
  /** The watched leaders as last read, with the marker read just before and when. */
  private leaders: { list: WatchedLeader[]; marker: string; at: number } | undefined;
  /** A follow changed on this instance since the leaders were last read. */
  private followsDirty = true;

  constructor(private readonly o: CopyEngineOptions) {
    this.instanceId = o.instanceId ?? randomUUID();
    this.leaseMs = o.leaseMs ?? 9_000;
    this.passMs = Math.max(100, Math.floor(this.leaseMs / 3));
    this.watchdogMs = o.watchdogMs ?? 120_000;
    this.stats = new CopyStats(o.clock);
    this.pages = new PageBatcher(o.db);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.sync();
    this.tick();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.cancelTick?.();
    await this.syncing;
    await Promise.all([...this.running.values()].map((w) => w.stop()));
    this.running.clear();
    await this.o.copies.release(this.instanceId).catch((err: unknown) => this.o.onError?.(err, 'release'));
  }

  /** Follows changed (created, toggled, deleted): take up or drop watchers now rather than at the next tick. */
  followsChanged(): void {
    this.followsDirty = true;
    if (!this.started) return;
    void this.sync();
  }

  /** Watchers this instance runs, by id. */
  held(): number[] {
    return [...this.running.keys()];
  }

  /** Reads every running watcher now and waits until they are idle (tests, demos). */
  async settle(): Promise<void> {
    await this.syncing;
    for (const w of this.running.values()) w.kick();
    await Promise.all([...this.running.values()].map((w) => w.idle()));
  }

  private tick(): void {
    this.cancelTick = this.o.clock.setTimer(this.passMs, () => {
      if (!this.started) return;
      void this.sync().finally(() => this.started && this.tick());
    });
  }

  /** One pass: the leaders to watch, their leases, and the watchers to start or stop. Passes never overlap. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = this.syncOnce()
      .catch((err: unknown) => this.o.onError?.(err, 'sync'))
      .finally(() => {
        this.syncing = undefined;
        if (this.syncAgain && this.started) {
          this.syncAgain = false;
          void this.sync();
        }
      });
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const now = this.o.clock.now();
    const wanted: WatcherRow[] = [];
    for (const l of await this.watchedLeaders(now)) {
      const source = this.o.sources.get(l.source);
      if (!source) continue;
      const known = this.known.get(`${l.source}:${l.address}`);
      wanted.push(
        known ??
          (await this.o.copies.ensureWatcher(l.source, l.address, source.cursorAt(l.address, l.since), now)),
      );
    }
    for (const w of wanted) this.known.set(`${w.source}:${w.address}`, w);
    const held = new Set(
      await this.o.copies.lease(
        wanted.map((w) => w.id),
        this.instanceId,
        now,
        now + this.leaseMs,
      ),
    );
    for (const [id, w] of this.running) {
      if (!held.has(id)) {
        this.running.delete(id);
        await w.stop();
      }
    }
    for (const w of wanted) {
      if (!held.has(w.id) || this.running.has(w.id)) continue;
      // The stored row, not the remembered one: another holder may have moved its cursor.
      const row = (await this.o.copies.watcher(w.id)) ?? w;
      const watcher = new LeaderWatcher(row, this.o.sources.get(w.source)!, {
        ...this.o,
        pages: this.pages,
        applied: (r, trades, result, detectedAt) => this.applied(r, trades, result, detectedAt),
        failed: (r, err) => {
          this.stats.failed(r.source);
          this.o.onError?.(err, `watcher ${r.source}:${r.address}`);
        },
      });
      this.running.set(w.id, watcher);
      watcher.start();
    }
    this.stats.setWatchers(wanted, held);
    const ids = new Set(wanted.map((w) => w.id));
    // Candidates: quiet long enough to pass the threshold before the pass after next.
    const quietSince = now - Math.max(0, this.watchdogMs - 2 * this.passMs);
    this.watched = (await this.o.copies.quietWatchers(quietSince)).filter((w) => ids.has(w.id));
  }

  /** The watched leaders: read again only when they may have changed (see the header). */
  private async watchedLeaders(now: number): Promise<WatchedLeader[]> {
    // Read before the leaders: a change made between the two reads moves it again, for the next pass.
    const marker = await this.o.copies.followsMarker();
    const last = this.leaders;
    const fresh =
      last !== undefined &&
      !this.followsDirty &&
      last.marker === marker &&
      now - last.at < FULL_READ_MS &&
      last.list.every((l) => l.enabled);
    if (fresh) return last.list;
    this.followsDirty = false;
    const list = await this.o.copies.watchedLeaders(this.o.graceMs ?? 60_000);
    this.leaders = { list, marker, at: now };
    return list;
  }

  /**
   * The watchdog: watched leaders whose source has not answered (or whose
   * watcher has not run) for longer than `watchdogMs`, whichever instance
   * should be running them. "Stopped copying and nobody noticed" is what it
   * exists to prevent.
   */
  stalled(): StalledWatcher[] {
    const now = this.o.clock.now();
    return this.watched.flatMap((w) => {
      const quietMs = now - Math.max(w.polledAt ?? 0, w.advancedAt);
      return quietMs > this.watchdogMs
        ? [{ source: w.source, address: w.address, quietMs, error: w.error, holder: w.leaseOwner }]
        : [];
    });
  }

  private applied(
    w: WatcherRow,
    trades: readonly LeaderTrade[],
    result: FanoutResult,
    detectedAt: number,
  ): void {
    this.stats.page(w.source, trades, result.decisions, detectedAt);
    if (this.o.onApplied) {
      Promise.resolve(this.o.onApplied(result)).catch((err: unknown) => this.o.onError?.(err, 'publish'));
    }
  }
}
