/**
 * The user's jobs (GET /jobs), polled every second while one is queued or
 * running and every 5 s otherwise; `missing` when the server has no job API.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, describeError, type Page } from '../../api/client';
import type { Job } from '../../api/types';

export const isActive = (j: Job) => j.status === 'queued' || j.status === 'running';

export function useJobs() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(async () => {
    clearTimeout(timer.current);
    let next = 5000;
    try {
      const page = await api<Page<Job>>('/jobs?limit=50');
      setJobs(page.items);
      setError(null);
      if (page.items.some(isActive)) next = 1000;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        setMissing(true);
        return;
      }
      setError(describeError(err));
    }
    timer.current = setTimeout(() => void load(), next);
  }, []);

  useEffect(() => {
    void load();
    return () => clearTimeout(timer.current);
  }, [load]);

  return { jobs, error, missing, reload: load };
}
