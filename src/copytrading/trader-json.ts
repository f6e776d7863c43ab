/** A trader's JSON shape, the same in REST answers and stream pushes (times as ISO-8601). */
import type { Trader } from '../domain/trader.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export const traderJson = (t: Trader) => ({
  id: t.id,
  name: t.name,
  source: t.source,
  address: t.address,
  enabled: t.enabled,
  allocation: t.allocation,
  followOptions: t.followOptions,
  version: t.version,
  createdAt: iso(t.createdAt),
  updatedAt: iso(t.updatedAt),
});
