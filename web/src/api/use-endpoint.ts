/**
 * Reads one GET endpoint, optionally every `refreshMs`: its data, an error,
 * or `missing` when the server does not have the route yet (404), so a page
 * can say "not available" instead of failing.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, describeError } from './client';

export interface Endpoint<T> {
  data: T | undefined;
  error: string | null;
  missing: boolean;
  reload(): void;
}

export function useEndpoint<T>(path: string, refreshMs = 0): Endpoint<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  const load = useCallback(async () => {
    try {
      setData(await api<T>(path));
      setError(null);
      setMissing(false);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
      else setError(describeError(err));
    }
  }, [path]);

  useEffect(() => {
    void load();
    if (!refreshMs) return undefined;
    const timer = setInterval(() => void load(), refreshMs);
    return () => clearInterval(timer);
  }, [load, refreshMs]);

  return { data, error, missing, reload: () => void load() };
}
