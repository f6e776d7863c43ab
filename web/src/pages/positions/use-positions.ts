/**
 * Positions with live prices: the open positions (all pages), then every
 * `positions` update from the WebSocket stream applied in place (a price
 * tick's new current price and PnL, a TP/SL fill's close, a position opened
 * elsewhere). Updates carry the position without its market, which is kept.
 *
 * The open positions are read again each time the stream is live
 * (subscribed), and that read replaces what is held: a change made after the
 * first read but before the subscription, or while the stream was down
 * (a position opened, closed by its stop), was pushed to nobody. Updates
 * that arrive while a read is in flight are applied after it.
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
    let reads = 0;
    let inFlight = 0;
    const load = () => {
      const read = ++reads;
      inFlight++;
      allPages<Position>('/positions?status=open', 200, undefined, abort.signal)
        .then((items) => {
          // An older read that finishes after a newer one started is not applied over it.
          if (read !== reads) return;
          byId.current = new Map();
          put(items);
          setError(null);
        })
        .catch((err: unknown) => {
          if (!abort.signal.aborted) setError(describeError(err));
        })
        .finally(() => {
          if (--inFlight === 0) put(early.splice(0));
          setLoading(false);
        });
    };
    const handle = openStream(
      ['positions'],
      (u) => (inFlight === 0 ? put([u.data]) : early.push(u.data)),
      (s) => {
        setStream(s);
        if (s === 'live') load();
      },
    );
    load();
    return () => {
      abort.abort();
      handle.close();
    };
  }, [put]);

  return { positions, loading, error, stream, put };
}
