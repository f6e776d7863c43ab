/**
 * Settings: link a Telegram chat (a one-time `/start <code>` to send the
 * bot), how the API token is handled in this browser, and light or dark.
 */
import { useState } from 'preact/hooks';
import { api, describeError } from '../../api/client';
import { isRemembered } from '../../api/token-store';
import type { LinkCode } from '../../api/types';
import { readTheme, saveTheme, type Theme } from '../../components/theme';

export function SettingsPage() {
  const [link, setLink] = useState<LinkCode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [theme, setTheme] = useState<Theme>(readTheme);
  const [bot, setBot] = useState('');

  const newCode = async () => {
    setError(null);
    try {
      setLink(await api<LinkCode>('/telegram/link-code', { method: 'POST' }));
    } catch (err) {
      setError(describeError(err));
    }
  };
  const botName = bot.trim().replace(/^@/, '');

  return (
    <div class="panels">
      <section class="panel" aria-labelledby="telegram-title">
        <h2 id="telegram-title">Telegram</h2>
        <p>
          Link a Telegram chat to get copies, TP/SL fills and alerts there, and to manage positions and
          traders from it. Get a code, then send the command to the server's bot; the code works once, for 10
          minutes.
        </p>
        <button type="button" onClick={newCode}>
          Get a link code
        </button>
        {error && (
          <p class="error" role="alert">
            No code: {error}
          </p>
        )}
        {link && (
          <div class="link-code" role="status">
            <p>
              Send <code data-testid="link-command">{link.command}</code> to the bot (valid until{' '}
              {new Date(link.expiresAt).toLocaleTimeString()}).
            </p>
            <label for="bot-name">The bot's username (to open it directly)</label>
            <input
              id="bot-name"
              placeholder="e.g. tradeloop_bot"
              value={bot}
              onInput={(e) => setBot(e.currentTarget.value)}
            />
            {botName && (
              <p>
                <a
                  href={`https://t.me/${encodeURIComponent(botName)}?start=${encodeURIComponent(link.code)}`}
                  target="_blank"
                  rel="noreferrer"
                >
                  Open @{botName} in Telegram with the code
                </a>
              </p>
            )}
          </div>
        )}
      </section>
      <section class="panel" aria-labelledby="token-title">
        <h2 id="token-title">Your API token</h2>
        <p>
          The token is your account's key: the dashboard, scripts (<code>Authorization: Bearer tl_…</code>)
          and nothing else use it. The server keeps only its SHA-256; <code>npm start</code> prints the local
          user's token, and <code>tradeloop tokens rotate &lt;user&gt;</code> replaces it (the old one stops
          working at once, everywhere).
        </p>
        <p data-testid="token-kept">
          In this browser it is kept{' '}
          {isRemembered()
            ? 'on this device (you chose "Remember on this device" at sign-in): new tabs stay signed in until you sign out.'
            : 'for this tab only: closing the tab signs you out.'}{' '}
          Signing out forgets it and signs out every tab of this browser.
        </p>
      </section>
      <section class="panel" aria-labelledby="theme-title">
        <h2 id="theme-title">Appearance</h2>
        <fieldset class="segmented">
          <legend class="visually-hidden">Colour theme</legend>
          {(['system', 'light', 'dark'] as const).map((t) => (
            <label key={t}>
              <input
                type="radio"
                name="theme"
                value={t}
                checked={theme === t}
                onChange={() => {
                  setTheme(t);
                  saveTheme(t);
                }}
              />{' '}
              {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </fieldset>
      </section>
    </div>
  );
}
