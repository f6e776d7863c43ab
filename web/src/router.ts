/** A tiny history-API router: the current path as state, `navigate` to change it, links that do not reload. */
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  for (const fn of listeners) fn();
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** onClick for an <a href>: plain left clicks navigate in place; modified clicks open as the browser would. */
export function linkClick(ev: MouseEvent): void {
  if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const href = (ev.currentTarget as HTMLAnchorElement).getAttribute('href');
  if (!href?.startsWith('/')) return;
  ev.preventDefault();
  navigate(href);
}
