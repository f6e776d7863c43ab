/**
 * Copy decisions, live: the latest ones (GET /copies), then every decision
 * pushed on the `copies` stream topic, kept newest first. Per trader: how
 * many were copied and skipped among those held, and the latest few.
 * Counts cover the decisions loaded at start (the latest INITIAL) plus all
 * that arrived since.
 *
 * The list is read again each time the stream is live (subscribed): a
 * decision made after the first read but before the subscription, or while
 * the stream was down, was pushed to nobody, and only a read finds it.
 * Decisions are kept by id, so a read that overlaps what is held adds only
 * what is missing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError, type Page } from '../../api/client';
import { openStream, type StreamState } from '../../api/stream';
import type { CopyDecision } from '../../api/types';

const INITIAL = 500;
/** Decisions kept for the list; older ones only count. */
const KEEP = 200;
const PER_TRADER = 5;

export interface TraderCopies {
  copied: number;
  skipped: number;
  latest: CopyDecision[];
}

export interface CopiesState {
  recent: CopyDecision[];
  byTrader: ReadonlyMap<number, TraderCopies>;
}

const EMPTY: CopiesState = { recent: [], byTrader: new Map() };

export function useCopies() {
  const [state, setState] = useState<CopiesState>(EMPTY);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const seen = useRef(new Set<number>());

  useEffect(() => {
    const abort = new AbortController();
    let loaded = false;
    let pending: CopyDecision[] = [];
    let frame = 0;

    /** Adds decisions (any order), ignoring ones already held; one render per animation frame. */
    const flush = () => {
      frame = 0;
      const fresh = pending.filter((c) => !seen.current.has(c.id)).sort((a, b) => b.id - a.id);
      pending = [];
      if (fresh.length === 0) return;
      for (const c of fresh) seen.current.add(c.id);
      setState((prev) => {
        const byTrader = new Map(prev.byTrader);
        // Oldest first, so each trader's `latest` ends newest first.
        for (let i = fresh.length - 1; i >= 0; i--) {
          const c = fresh[i]!;
          const old = byTrader.get(c.traderId) ?? { copied: 0, skipped: 0, latest: [] };
          byTrader.set(c.traderId, {
            copied: old.copied + (c.status === 'copied' ? 1 : 0),
            skipped: old.skipped + (c.status === 'copied' ? 0 : 1),
            latest: [c, ...old.latest].slice(0, PER_TRADER),
          });
        }
        const recent = [...fresh, ...prev.recent].sort((a, b) => b.id - a.id).slice(0, KEEP);
        return { recent, byTrader };
      });
    };
    const add = (items: CopyDecision[]) => {
      pending.push(...items);
      if (loaded && !frame) frame = requestAnimationFrame(flush);
    };

    const load = () =>
      api<Page<CopyDecision>>(`/copies?limit=${INITIAL}`, { signal: abort.signal })
        .then((page) => {
          add(page.items);
          setError(null);
        })
        .catch((err: unknown) => {
          if (!abort.signal.aborted) setError(describeError(err));
        })
        .finally(() => {
          loaded = true;
          if (!abort.signal.aborted) flush();
        });
    const handle = openStream(
      ['copies'],
      (u) => add([u.data]),
      (s) => {
        setStream(s);
        if (s === 'live') void load();
      },
    );
    void load();
    return () => {
      abort.abort();
      handle.close();
      cancelAnimationFrame(frame);
    };
  }, []);

  return { ...state, stream, error };
}
