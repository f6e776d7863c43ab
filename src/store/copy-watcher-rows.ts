/**
 * Copy watchers as rows: the watcher and watched-leader shapes, the row
 * mapping, and the statements of the engine's pass (the follows marker, the
 * lease), beside `copy-decision-rows.ts` for decisions.
 */
import type { TraderSource } from '../domain/trader.js';

/** A leader some follow watches (CopyRepository.watchedLeaders). */
export interface WatchedLeader {
  source: TraderSource;
  address: string;
  /** The earliest follow's creation: where a new watcher starts reading. */
  since: number;
  /** Whether any follow is on (false: watched only for the grace after a switch-off). */
  enabled: boolean;
}

/** The newest follow (its key's maximum: one index step) and the watchers' count and generations (see followsMarker). */
export const FOLLOWS_MARKER_SQL = `select (select max(id) from traders) as n,
    (select count(*) from copy_watchers) as w,
    (select coalesce(sum(follows_generation), 0) from copy_watchers) as g`;

/** Takes or renews leases: those free, expired or already the owner's (see lease). */
export const LEASE_SQL = {
  sqlite: `update copy_watchers set lease_owner = ?, lease_until = ?
    where id in (select value from json_each(?)) and (lease_owner = ? or lease_owner is null or lease_until < ?)
    returning id`,
  postgres: `update copy_watchers set lease_owner = $1, lease_until = $2
    where id = any($3::bigint[]) and (lease_owner = $1 or lease_owner is null or lease_until < $4)
    returning id`,
};

export interface WatcherRow {
  id: number;
  source: TraderSource;
  address: string;
  cursor: string;
  leaseOwner: string | null;
  leaseUntil: number | null;
  events: number;
  lastTradeTs: number | null;
  advancedAt: number;
  polledAt: number | null;
  error: string | null;
}

export interface WatcherDbRow {
  id: number;
  source: string;
  address: string;
  cursor: string;
  lease_owner: string | null;
  lease_until: number | null;
  events: number;
  last_trade_ts: number | null;
  advanced_at: number;
  polled_at: number | null;
  error: string | null;
}

export function toWatcher(r: WatcherDbRow): WatcherRow {
  return {
    id: Number(r.id),
    source: r.source as TraderSource,
    address: r.address,
    cursor: r.cursor,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
    events: Number(r.events),
    lastTradeTs: r.last_trade_ts === null ? null : Number(r.last_trade_ts),
    advancedAt: Number(r.advanced_at),
    polledAt: r.polled_at === null ? null : Number(r.polled_at),
    error: r.error,
  };
}
