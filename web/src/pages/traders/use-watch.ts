/**
 * The watch status of each followed trader (GET /copies/watchers), re-read
 * every few seconds while the page is visible and at once when a copy
 * decision arrives for a trader, so "last trade" and "stalled" stay true
 * without a reload.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { WatchStatus } from '../../api/types';

const EVERY_MS = 5_000;

export function useWatch(): ReadonlyMap<number, WatchStatus> {
  const [byTrader, setByTrader] = useState<ReadonlyMap<number, WatchStatus>>(new Map());
  useEffect(() => {
    const abort = new AbortController();
    let timer = 0;
    const load = async () => {
      window.clearTimeout(timer);
      if (document.visibilityState === 'visible') {
        try {
          const r = await api<{ items: WatchStatus[] }>('/copies/watchers', { signal: abort.signal });
          setByTrader(new Map(r.items.map((w) => [w.traderId, w])));
        } catch {
          // Shown as the last known status; the next round retries.
        }
      }
      if (!abort.signal.aborted) timer = window.setTimeout(load, EVERY_MS);
    };
    void load();
    const onVisible = () => document.visibilityState === 'visible' && void load();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      abort.abort();
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
  return byTrader;
}

/** `4 s`, `3 min`, `2 h`. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
