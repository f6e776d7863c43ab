/**
 * Settings: link a Telegram chat (`telegram-link.tsx`), how the API token is
 * handled in this browser, and light or dark.
 */
import { useState } from 'preact/hooks';
import { isRemembered } from '../../api/token-store';
import { readTheme, saveTheme, type Theme } from '../../components/theme';
import { TelegramLink } from './telegram-link';

export function SettingsPage() {
  const [theme, setTheme] = useState<Theme>(readTheme);

  return (
    <div class="panels">
      <TelegramLink />
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
