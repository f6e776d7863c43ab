/**
 * The traders page's data: every trader (all cursor pages, the table filling
 * as they arrive), their performance, and the changes a user makes: toggle,
 * follow-option edits and batch enable/disable. Changes show at once
 * (optimistic) and are rolled back, with a message, when the server refuses
 * (400 bad value, 409 changed elsewhere — then the trader is re-read).
 * Follows, unfollows and changes made elsewhere (another tab, Telegram)
 * arrive on the `traders` stream topic and apply without a reload. When the
 * stream comes back after a drop (a restart, an instance of a fleet gone),
 * the traders and their performance are read again: what changed meanwhile
 * was pushed to nobody.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, allPages, api, describeError } from '../../api/client';
import { openStream, type StreamState } from '../../api/stream';
import type { Trader, TraderBatch, TraderChange, TraderPerformance } from '../../api/types';

/**
 * A change as this page makes it: a PATCH /traders/:id body whose amounts are
 * the decimal strings the trader is read with, so it also applies to the row
 * at once.
 */
export type TraderPatch = Omit<TraderChange, 'allocation' | 'followOptions'> &
  Pick<Partial<Trader>, 'allocation'> & { followOptions?: Partial<Trader['followOptions']> };

/** A small first page paints the table at once; then large pages (the API allows 5,000) load the rest. */
const FIRST_PAGE = 200;
const LATER_PAGES = 5000;
const BATCH = 1000;

function applyPatch(t: Trader, patch: TraderPatch): Trader {
  return {
    ...t,
    ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
    ...(patch.allocation === undefined ? {} : { allocation: patch.allocation }),
    followOptions: { ...t.followOptions, ...patch.followOptions },
  };
}

export function useTraders(report: (text: string) => void) {
  const [traders, setTraders] = useState<Trader[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [pending, setPending] = useState<ReadonlySet<number>>(new Set());
  const [performance, setPerformance] = useState<Map<number, TraderPerformance>>(new Map());
  const index = useRef(new Map<number, number>());
  const current = useRef<Trader[]>([]);

  const commit = (next: Trader[]) => {
    current.current = next;
    setTraders(next);
  };

  /** Replaces traders by id (only those still loaded). */
  const replace = useCallback((changed: Trader[]) => {
    const next = current.current.slice();
    for (const t of changed) {
      const i = index.current.get(t.id);
      if (i !== undefined) next[i] = t;
    }
    commit(next);
  }, []);

  /** Adds new traders at the end and replaces known ones unless the held copy is newer. */
  const upsert = useCallback((list: Trader[]) => {
    const next = current.current.slice();
    for (const t of list) {
      const i = index.current.get(t.id);
      if (i === undefined) {
        index.current.set(t.id, next.length);
        next.push(t);
      } else if ((next[i]?.version ?? 0) <= t.version) next[i] = t;
    }
    commit(next);
  }, []);

  const remove = useCallback((id: number) => {
    if (!index.current.has(id)) return;
    const next = current.current.filter((t) => t.id !== id);
    index.current = new Map(next.map((t, i) => [t.id, i]));
    commit(next);
  }, []);

  const [stream, setStream] = useState<StreamState>('connecting');
  /** How many times the stream came back after a drop. */
  const [returns, setReturns] = useState(0);
  useEffect(() => {
    let wasLive = false;
    const handle = openStream(
      ['traders'],
      ({ data }) => {
        if ('deleted' in data) remove(data.id);
        else upsert([data]);
      },
      (s) => {
        setStream(s);
        if (s !== 'live') return;
        if (wasLive) setReturns((n) => n + 1);
        wasLive = true;
      },
    );
    return () => handle.close();
  }, [upsert, remove]);

  const markPending = (ids: number[], on: boolean) =>
    setPending((prev) => {
      const s = new Set(prev);
      for (const id of ids) on ? s.add(id) : s.delete(id);
      return s;
    });

  const loadPerformance = useCallback(async () => {
    try {
      const page = await api<{ items: TraderPerformance[] }>('/traders/performance');
      setPerformance(new Map(page.items.map((p) => [p.traderId, p])));
    } catch (err) {
      report(`Performance could not be loaded: ${describeError(err)}`);
    }
  }, [report]);

  useEffect(() => {
    const abort = new AbortController();
    const all: Trader[] = [];
    index.current = new Map();
    allPages<Trader>(
      '/traders',
      FIRST_PAGE,
      (items) => {
        for (const t of items) {
          index.current.set(t.id, all.length);
          all.push(t);
        }
        commit(all.slice());
      },
      abort.signal,
      LATER_PAGES,
    )
      .then(() => loadPerformance())
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setLoadError(describeError(err));
      })
      .finally(() => setLoading(false));
    return () => abort.abort();
  }, [loadPerformance]);

  useEffect(() => {
    if (returns === 0) return;
    const abort = new AbortController();
    allPages<Trader>('/traders', LATER_PAGES, undefined, abort.signal)
      .then((all) => {
        index.current = new Map(all.map((t, i) => [t.id, i]));
        commit(all);
        setLoadError(null);
        return loadPerformance();
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) report(`Traders could not be read again: ${describeError(err)}`);
      });
    return () => abort.abort();
  }, [returns, loadPerformance, report]);

  /** After a refusal: the server's copy of the traders, so the next try carries the right version. */
  const reread = async (ids: number[]) => {
    const fresh = await Promise.all(
      ids.slice(0, 20).map((id) => api<Trader>(`/traders/${id}`).catch(() => null)),
    );
    replace(fresh.filter((t): t is Trader => t !== null));
  };

  const refusal = (what: string, err: unknown) =>
    err instanceof ApiError && err.status === 409
      ? `${what} was refused: the trader changed elsewhere (reloaded, try again)`
      : `${what} was refused: ${describeError(err)}`;

  /** Applies `patch` to one trader at once, then on the server; resolves with the server's error, if any. */
  const update = useCallback(
    async (id: number, patch: TraderPatch, what: string): Promise<ApiError | null> => {
      const i = index.current.get(id);
      const before = i === undefined ? undefined : current.current[i];
      if (!before) return null;
      const optimistic = applyPatch(before, patch);
      replace([optimistic]);
      markPending([id], true);
      try {
        const saved = await api<Trader>(`/traders/${id}`, {
          method: 'PATCH',
          body: patch satisfies TraderChange,
          headers: { 'if-match': `"${before.version}"` },
        });
        replace([saved]);
        return null;
      } catch (err) {
        if (current.current[i!] === optimistic) replace([before]);
        report(refusal(`${what} of ${before.name}`, err));
        if (err instanceof ApiError && err.status === 409) await reread([id]);
        return err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', describeError(err));
      } finally {
        markPending([id], false);
      }
    },
    [replace, report],
  );

  const toggle = useCallback(
    (t: Trader) => update(t.id, { enabled: !t.enabled }, t.enabled ? 'Disabling' : 'Enabling'),
    [update],
  );

  /** Enables or disables the given traders through POST /traders/batch, 1,000 per call, each call all or nothing. */
  const setEnabled = useCallback(
    async (ids: number[], enabled: boolean) => {
      for (let s = 0; s < ids.length; s += BATCH) {
        const befores = ids
          .slice(s, s + BATCH)
          .map((id) => current.current[index.current.get(id) ?? -1])
          .filter((t): t is Trader => t !== undefined);
        const chunk = befores.map((t) => t.id);
        replace(befores.map((t) => ({ ...t, enabled })));
        markPending(chunk, true);
        try {
          const res = await api<{ items: Trader[] }>('/traders/batch', {
            method: 'POST',
            body: {
              updates: befores.map((t) => ({ id: t.id, version: t.version, enabled })),
            } satisfies TraderBatch,
          });
          replace(res.items);
        } catch (err) {
          replace(befores);
          report(refusal(`${enabled ? 'Enabling' : 'Disabling'} ${chunk.length} traders`, err));
          if (err instanceof ApiError && err.status === 409) await reread(chunk);
          return;
        } finally {
          markPending(chunk, false);
        }
      }
    },
    [replace, report],
  );

  /** DELETE /traders/:id; the row goes at once and comes back with a message if the server refuses. */
  const unfollow = useCallback(
    async (t: Trader): Promise<boolean> => {
      markPending([t.id], true);
      try {
        await api(`/traders/${t.id}`, { method: 'DELETE' });
        remove(t.id);
        return true;
      } catch (err) {
        report(`Unfollowing ${t.name} was refused: ${describeError(err)}`);
        return false;
      } finally {
        markPending([t.id], false);
      }
    },
    [remove, report],
  );

  return {
    traders,
    loading,
    loadError,
    pending,
    performance,
    stream,
    loadPerformance,
    toggle,
    update,
    setEnabled,
    upsert,
    unfollow,
  };
}
