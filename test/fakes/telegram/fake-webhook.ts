/**
 * The webhook side of a fake Bot API, as Telegram documents it:
 * `setWebhook` (url, `secret_token`, `allowed_updates`,
 * `drop_pending_updates`), `getWebhookInfo` and `deleteWebhook` (also
 * `setWebhook` with an empty url). While a webhook is set, queued updates
 * are delivered by POSTing each as JSON to the url, with the secret in
 * `X-Telegram-Bot-Api-Secret-Token`; a 2xx answer confirms it, anything
 * else (or no answer) is kept as `last_error_message` and the same update
 * is delivered again after `retryMs`, as Telegram retries. Deliveries go
 * one at a time, in order (Telegram allows up to `max_connections` at once;
 * one keeps a test's exchanges unambiguous). Like a self-hosted Bot API
 * server in `--local` mode, http urls are accepted as well as https.
 */
import type { Update } from 'grammy/types';
import { BotApiError, type Params } from './fake-chats.js';
import type { UpdateQueue } from './update-queue.js';

export interface WebhookSettings {
  url: string;
  secretToken: string | undefined;
  allowedUpdates: string[] | undefined;
  maxConnections: number;
}

export interface WebhookDelivery {
  updateId: number;
  url: string;
  /** The HTTP status answered, or 0 when the request failed without one. */
  status: number;
}

/** The secret_token rule of setWebhook. */
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

export class FakeWebhook {
  settings: WebhookSettings | undefined;
  readonly deliveries: WebhookDelivery[] = [];
  private lastError: { date: number; message: string } | undefined;
  private delivering = false;
  private closed = false;
  private wakeRetry: (() => void) | undefined;

  constructor(
    private readonly queue: UpdateQueue,
    /** Called after each delivery and settings change (the server's waiters re-check). */
    private readonly changed: () => void,
    private readonly retryMs: number,
  ) {
    queue.onPush = () => this.kick();
  }

  readonly methods: Record<string, (p: Params) => unknown> = {
    setwebhook: (p) => {
      const url = String(p['url'] ?? '');
      if (url === '') return this.remove(p);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new BotApiError(
          400,
          'Bad Request: bad webhook: Failed to resolve host: Name or service not known',
        );
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new BotApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      }
      const secret = p['secret_token'] === undefined ? undefined : String(p['secret_token']);
      if (secret !== undefined && !SECRET_TOKEN.test(secret)) {
        throw new BotApiError(400, 'Bad Request: secret token contains unallowed characters');
      }
      const allowed = p['allowed_updates'];
      if (p['drop_pending_updates'] === true || p['drop_pending_updates'] === 'true')
        this.queue.dropPending();
      this.settings = {
        url,
        secretToken: secret,
        allowedUpdates: Array.isArray(allowed) && allowed.length > 0 ? allowed.map(String) : undefined,
        maxConnections: Number(p['max_connections'] ?? 40),
      };
      this.lastError = undefined;
      this.kick();
      return true;
    },
    deletewebhook: (p) => this.remove(p),
    getwebhookinfo: () => ({
      url: this.settings?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.pendingCount,
      ...(this.lastError && {
        last_error_date: this.lastError.date,
        last_error_message: this.lastError.message,
      }),
      ...(this.settings && { max_connections: this.settings.maxConnections }),
      ...(this.settings?.allowedUpdates && { allowed_updates: this.settings.allowedUpdates }),
    }),
  };

  /** Stops delivering for good. */
  close(): void {
    this.closed = true;
    this.settings = undefined;
    this.wakeRetry?.();
  }

  private remove(p: Params): true {
    this.settings = undefined;
    this.lastError = undefined;
    if (p['drop_pending_updates'] === true || p['drop_pending_updates'] === 'true') this.queue.dropPending();
    this.wakeRetry?.();
    this.changed();
    return true;
  }

  private kick(): void {
    if (this.delivering || this.closed || !this.settings) return;
    this.delivering = true;
    void this.deliverAll().finally(() => {
      this.delivering = false;
      if (this.settings && this.queue.first()) this.kick();
    });
  }

  private async deliverAll(): Promise<void> {
    for (;;) {
      const settings = this.settings;
      const update = this.queue.first();
      if (!settings || !update || this.closed) return;
      if (settings.allowedUpdates && !settings.allowedUpdates.includes(kindOf(update))) {
        this.queue.confirm(update.update_id + 1);
        continue;
      }
      const status = await post(settings, update);
      this.deliveries.push({ updateId: update.update_id, url: settings.url, status });
      if (status >= 200 && status < 300) {
        this.queue.confirm(update.update_id + 1);
        this.changed();
        continue;
      }
      this.lastError = {
        date: Math.floor(Date.now() / 1000),
        message: status === 0 ? 'Connection refused' : `Wrong response from the webhook: ${status}`,
      };
      this.changed();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.retryMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wakeRetry = done;
      });
      this.wakeRetry = undefined;
    }
  }
}

/** The update's type: its one field besides `update_id`. */
function kindOf(update: Update): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? '';
}

async function post(settings: WebhookSettings, update: Update): Promise<number> {
  try {
    const res = await fetch(settings.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(settings.secretToken !== undefined && {
          'x-telegram-bot-api-secret-token': settings.secretToken,
        }),
      },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
