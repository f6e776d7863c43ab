/**
 * A page loaded when first shown (its own chunk), so the first paint of Home
 * or Traders does not wait for the code of every other page.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyPage(load: () => Promise<ComponentType>): ComponentType {
  let loaded: ComponentType | undefined;
  let pending: Promise<ComponentType> | undefined;
  return function LazyPage() {
    const [Page, setPage] = useState<ComponentType | undefined>(() => loaded);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      if (Page) return;
      pending ??= load().then((c) => {
        loaded = c;
        return c;
      });
      pending.then(
        (c) => setPage(() => c),
        (err: unknown) => {
          pending = undefined;
          setError(err instanceof Error ? err.message : String(err));
        },
      );
    }, [Page]);
    if (Page) return <Page />;
    return error ? (
      <p class="error" role="alert">
        This page could not be loaded ({error}); reload to try again.
      </p>
    ) : (
      <p aria-live="polite">Loading…</p>
    );
  };
}
