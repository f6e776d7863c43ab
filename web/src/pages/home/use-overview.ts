/**
 * The Home page's data: one GET /overview, read again every 30 s and a
 * second after any push on the `positions` or `copies` topics (a burst of
 * pushes is one read), so a copy or a close shows without a reload.
 */
import { useEffect, useRef } from 'preact/hooks';
import { openStream } from '../../api/stream';
import type { Overview } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';

const REFRESH_MS = 30_000;
const AFTER_PUSH_MS = 1_000;

export function useOverview() {
  const endpoint = useEndpoint<Overview>('/overview', REFRESH_MS);
  const reload = useRef(endpoint.reload);
  reload.current = endpoint.reload;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const handle = openStream(['positions', 'copies'], () => {
      if (timer === undefined)
        timer = setTimeout(() => {
          timer = undefined;
          reload.current();
        }, AFTER_PUSH_MS);
    });
    return () => {
      clearTimeout(timer);
      handle.close();
    };
  }, []);
  return endpoint;
}
