/**
 * Positions with live prices: the open positions (all pages), then every
 * `positions` update from the WebSocket stream applied in place (a price
 * tick's new current price and PnL, a TP/SL fill's close, a position opened
 * elsewhere). Updates carry the position without its market, which is kept.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { allPages, describeError } from '../../api/client';
import { openStream, type StreamState } from '../../api/stream';
import type { Position } from '../../api/types';

export function usePositions() {
  const [positions, setPositions] = useState<Position[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [stream, setStream] = useState<StreamState>('connecting');
  const byId = useRef(new Map<number, Position>());

  const put = useCallback((changed: Position[]) => {
    for (const p of changed) {
      const old = byId.current.get(p.id);
      // An update older than what we hold (a stream message after the PATCH response) is ignored.
      if (old && old.version > p.version) continue;
      byId.current.set(p.id, { ...p, market: p.market ?? old?.market ?? null });
    }
    setPositions([...byId.current.values()].sort((a, b) => b.id - a.id));
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    // Updates that arrive while the list loads are applied after it.
    const early: Position[] = [];
    let loaded = false;
    const handle = openStream(['positions'], (u) => (loaded ? put([u.data]) : early.push(u.data)), setStream);
    allPages<Position>('/positions?status=open', 200, undefined, abort.signal)
      .then((items) => {
        put(items);
        loaded = true;
        put(early);
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setError(describeError(err));
      })
      .finally(() => setLoading(false));
    return () => {
      abort.abort();
      handle.close();
    };
  }, [put]);

  return { positions, loading, error, stream, put };
}
