/**
 * Where the API token lives in the browser. By default sessionStorage: the
 * token is a long-lived bearer secret for the whole account, so it is kept
 * only for the life of the tab. "Remember on this device" (a choice made at
 * sign-in) keeps it in localStorage instead, so a new tab or a restarted
 * browser is signed in — chosen over an HttpOnly session cookie because the
 * API is a bearer-token API used by scripts and Telegram alike: a cookie
 * would add a second way to authenticate, and with it CSRF to defend on
 * every writing route; the token never leaves this origin either way, and
 * the page's CSP forbids the inline and third-party scripts that could read it.
 * Signing out removes it from both stores and signs out every tab of this
 * browser (a storage event). A token in the URL fragment (`#token=...`,
 * the start-up link) is read once and removed from the address bar and history.
 */
const KEY = 'tradeloop.token';
const SIGNED_OUT = 'tradeloop.signed-out';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Keeps the token for this tab, or on this device when `remember`. */
export function saveToken(token: string, remember = false): void {
  sessionStorage.setItem(KEY, token);
  if (remember) localStorage.setItem(KEY, token);
}

export function isRemembered(): boolean {
  try {
    return localStorage.getItem(KEY) !== null;
  } catch {
    return false;
  }
}

/** Forgets the token here, and tells the other tabs of this browser to sign out too. */
export function clearToken(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  localStorage.setItem(SIGNED_OUT, String(Date.now()));
}

/** Calls `fn` when another tab signs out. */
export function onSignedOutElsewhere(fn: () => void): () => void {
  const listener = (ev: StorageEvent) => {
    if (ev.key === SIGNED_OUT || (ev.key === KEY && ev.newValue === null)) {
      sessionStorage.removeItem(KEY);
      fn();
    }
  };
  addEventListener('storage', listener);
  return () => removeEventListener('storage', listener);
}

/** Takes `#token=...` out of the URL (keeping path and query) and returns it. */
export function takeTokenFromHash(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}
