/** Sign in with the API token (the one `npm start` prints); checked against the API before it is kept. */
import { useState } from 'preact/hooks';
import { ApiError, api, describeError } from '../api/client';

export function LoginPage({ onLogin }: { onLogin(token: string, remember: boolean): void }) {
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    const t = token.trim();
    if (!t) return setError('Enter the API token');
    setBusy(true);
    setError(null);
    try {
      await api('/traders?limit=1', { token: t });
      onLogin(t, remember);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That token was refused' : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form onSubmit={submit} aria-describedby="login-help">
        <h1>tradeloop</h1>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
        />
        <p id="login-help" class="hint">
          <code>npm start</code> prints it, with a link that signs you in. It is kept for this tab only,
          unless you tick the box below.
        </p>
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          Remember on this device (new tabs and restarts stay signed in; do not use on a shared computer)
        </label>
        {error && (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
