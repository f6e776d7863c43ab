/**
 * Where the API token lives in the browser: sessionStorage. The token is a
 * long-lived bearer secret for the whole account, so it is kept only for the
 * life of the tab (gone when the tab closes, never shared with other sites or
 * written to a profile that outlives the session); the start-up link
 * `http://host/#token=tl_...` logs a new tab in again in one click. A token in
 * the URL fragment is read once and removed from the address bar and history.
 */
const KEY = 'tradeloop.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Takes `#token=...` out of the URL (keeping path and query) and returns it. */
export function takeTokenFromHash(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}
