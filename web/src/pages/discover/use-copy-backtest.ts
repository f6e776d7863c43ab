/**
 * One "what if I had copied" run: submits a copy backtest (POST /backtests
 * with `kind: "copy"`), then polls its job every 500 ms until it ends. The
 * state says what the page shows: idle, running (with progress), done (the
 * result), or failed (the server's words, and the field it named).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../../api/client';
import type { CopyBacktestRequest, CopyBacktestResult, Job } from '../../api/types';

/** What the form chooses; the leader is the run's. */
export type CopyBacktestOptions = Omit<CopyBacktestRequest, 'kind' | 'source' | 'address'>;

export type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; progress: number; jobId: number | null }
  | { kind: 'done'; jobId: number; result: CopyBacktestResult }
  | { kind: 'failed'; message: string; field: string | null };

export function useCopyBacktest() {
  const [state, setState] = useState<RunState>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
      clearTimeout(timer.current);
    };
  }, []);

  const poll = async (id: number) => {
    try {
      const job = await api<Job>(`/jobs/${id}`);
      if (!live.current) return;
      if (job.status === 'succeeded')
        // Sent as stored, so typed `unknown` by the API; a copy backtest's is a CopyBacktestResult.
        setState({ kind: 'done', jobId: id, result: job.result as CopyBacktestResult });
      else if (job.status === 'queued' || job.status === 'running') {
        setState({ kind: 'running', progress: job.progress, jobId: id });
        timer.current = setTimeout(() => void poll(id), 500);
      } else setState({ kind: 'failed', message: job.error?.message ?? job.status, field: null });
    } catch (err) {
      if (live.current) setState({ kind: 'failed', message: describeError(err), field: null });
    }
  };

  const run = async (source: CopyBacktestRequest['source'], address: string, o: CopyBacktestOptions) => {
    clearTimeout(timer.current);
    setState({ kind: 'running', progress: 0, jobId: null });
    try {
      const job = await api<Job>('/backtests', {
        method: 'POST',
        body: { kind: 'copy', source, address, ...o } satisfies CopyBacktestRequest,
      });
      if (live.current) void poll(job.id);
    } catch (err) {
      if (!live.current) return;
      const field = err instanceof ApiError ? (err.details?.[0]?.path ?? null) : null;
      setState({ kind: 'failed', message: describeError(err), field });
    }
  };

  return { state, run };
}
