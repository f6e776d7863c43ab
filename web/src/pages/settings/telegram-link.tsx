/**
 * Linking a Telegram chat: a one-time code (POST /telegram/link-code) shown
 * as the `/start <code>` command to send the bot and, when the server's bot
 * runs and its username is known, as a t.me deep link that opens the bot
 * with the code filled in (Telegram sends the command on "Start").
 */
import { useState } from 'preact/hooks';
import { api, describeError } from '../../api/client';
import type { LinkCode } from '../../api/types';

export function TelegramLink() {
  const [link, setLink] = useState<LinkCode | null>(null);
  const [error, setError] = useState<string | null>(null);

  const newCode = async () => {
    setError(null);
    try {
      setLink(await api<LinkCode>('/telegram/link-code', { method: 'POST' }));
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section class="panel" aria-labelledby="telegram-title">
      <h2 id="telegram-title">Telegram</h2>
      <p>
        Link a Telegram chat to get copies, TP/SL fills and alerts there, and to manage positions and traders
        from it. Get a code, then open the bot with it (or send it the command); the code works once, for 10
        minutes.
      </p>
      <button type="button" onClick={newCode}>
        {link ? 'Get a new link code' : 'Get a link code'}
      </button>
      {error && (
        <p class="error" role="alert">
          No code: {error}
        </p>
      )}
      {link && (
        <div class="link-code" role="status">
          {link.link && link.botUsername ? (
            <p>
              <a
                class="button-link"
                href={link.link}
                target="_blank"
                rel="noreferrer"
                data-testid="deep-link"
              >
                Open @{link.botUsername} in Telegram
              </a>{' '}
              and press Start, or send it <code data-testid="link-command">{link.command}</code>.
            </p>
          ) : (
            <p>
              Send <code data-testid="link-command">{link.command}</code> to this server's bot.{' '}
              <span class="hint">
                No bot runs on this server (TELEGRAM_BOT_TOKEN is not set), so it cannot name one to open.
              </span>
            </p>
          )}
          <p class="hint">Valid until {new Date(link.expiresAt).toLocaleTimeString()}.</p>
        </div>
      )}
    </section>
  );
}
