/**
 * A loopback Telegram Bot API server for tests: a real HTTP server on
 * 127.0.0.1 that the real grammY client talks to (`apiRoot`), answering
 * `POST /bot<token>/<method>` (JSON, urlencoded or multipart bodies) with
 * `{ ok: true, result }` or `{ ok: false, error_code, description }`, 401 for
 * an unknown token and 404 for an unknown method, as Telegram does. It keeps
 * chats and messages, serves updates by long polling, records every call, and
 * lets a test act as a user (send text, tap a button) and await the bot's
 * answers without sleeping. For fleets: `apiRootFor(label)` gives each bot
 * instance its own path prefix so calls say who made them, open `getUpdates`
 * requests are counted per client, and `conflictFor(ms)` answers every
 * `getUpdates` with Telegram's 409 as if another poller used the token.
 * Webhooks as Telegram runs them (`setWebhook`, `getWebhookInfo`,
 * `deleteWebhook`, updates POSTed to the url with the secret header and
 * redelivered until a 2xx, `getUpdates` refused with 409 while one is set)
 * are in `FakeWebhook`.
 *
 * @example
 * const tg = await BotApiServer.start({ token });
 * const bot = new Bot(token, { client: { apiRoot: tg.apiRoot } });
 * const calls = await tg.exchange(tg.sendText(42, '/help'));
 * calls[0]?.params.text; // the bot's reply
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, InlineKeyboardMarkup, Message, Update } from 'grammy/types';
import { readParams, refusal, send, userFor } from './bot-api-http.js';
import { BotApiError, FakeChats, type Params } from './fake-chats.js';
import { FakeWebhook } from './fake-webhook.js';
import { UpdateQueue } from './update-queue.js';

export interface RecordedCall {
  method: string;
  /** The label of the `apiRootFor(label)` the call came through ('' for `apiRoot`). */
  client: string;
  params: Params;
  ok: boolean;
  result?: unknown;
  error?: { error_code: number; description: string };
}

export interface BotApiServerOptions {
  token: string;
  botUsername?: string;
  /** How long `waitForCalls` / `exchange` wait before failing with what they saw. @default 10000 */
  waitTimeoutMs?: number;
  /** Pause before a webhook delivery that failed is tried again. @default 200 */
  webhookRetryMs?: number;
}

/** Telegram's answer to a `getUpdates` while another one runs on the same token. */
export const CONFLICT = {
  errorCode: 409,
  description:
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
} as const;

/** Telegram's answer to `getUpdates` while a webhook is set. */
export const WEBHOOK_ACTIVE =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

export class BotApiServer {
  readonly calls: RecordedCall[] = [];
  readonly chats: FakeChats;
  private readonly updates = new UpdateQueue();
  /** The webhook, when one is set: its settings and every delivery made. */
  readonly webhook: FakeWebhook;
  private readonly callWaiters = new Set<() => void>();
  private readonly refusals = new Map<string, BotApiError[]>();
  private conflictUntil = 0;
  private disconnectUntil = 0;
  /** Open `getUpdates` requests per client label. */
  private readonly openPolls = new Map<string, number>();
  /** Ends each held `getUpdates` at once, with a 409 or a dropped connection. */
  private readonly heldPolls = new Set<(how: 'conflict' | 'disconnect', description?: string) => void>();
  /** The most clients that had a `getUpdates` open at the same moment. */
  maxConcurrentPollers = 0;

  private constructor(
    private readonly server: Server,
    private readonly opts: BotApiServerOptions,
    readonly apiRoot: string,
  ) {
    this.chats = new FakeChats(
      Number(opts.token.split(':')[0]) || 1,
      opts.botUsername ?? 'tradeloop_test_bot',
    );
    this.webhook = new FakeWebhook(this.updates, () => this.wake(), opts.webhookRetryMs ?? 200);
  }

  static async start(opts: BotApiServerOptions): Promise<BotApiServer> {
    let self: BotApiServer | undefined;
    const server = createServer((req, res) => void self?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new BotApiServer(server, opts, `http://127.0.0.1:${port}`);
    return self;
  }

  // --- acting as Telegram's users -------------------------------------------------------------

  /** Enqueues any update (the `update_id` is assigned). */
  pushUpdate(update: Omit<Update, 'update_id'>): Update {
    return this.updates.push(update);
  }

  /** A user writes `text` in their private chat with the bot (chat id = user id). */
  sendText(chatId: number, text: string, opts: { chatType?: 'private' | 'group' } = {}): Update {
    const from = userFor(chatId);
    const chat: Chat =
      opts.chatType === 'group'
        ? { id: chatId, type: 'group', title: 'Test group' }
        : { id: chatId, type: 'private', first_name: from.first_name };
    return this.pushUpdate({
      message: this.chats.userMessage(chat, from, text) as NonNullable<Update['message']>,
    });
  }

  /**
   * A user taps an inline button. The button must be on that message unless
   * `forged` (a modified client can send any callback data).
   */
  tapButton(chatId: number, messageId: number, data: string, opts: { forged?: boolean } = {}): Update {
    const message = this.chats.message(chatId, messageId);
    if (!message) throw new Error(`no message ${messageId} in chat ${chatId}`);
    if (!opts.forged && !buttonsOf(message).some((b) => b.data === data)) {
      throw new Error(`message ${messageId} has no button with data ${JSON.stringify(data)}`);
    }
    return this.pushUpdate({
      callback_query: {
        id: this.chats.openQuery(),
        from: userFor(chatId),
        message,
        chat_instance: `ci${chatId}`,
        data,
      },
    });
  }

  /**
   * A user taps a button on an inline-mode message (one sent "via @bot" in
   * another chat): Telegram sends `inline_message_id` and no `message`, so
   * the update names no chat.
   */
  tapInlineButton(userId: number, inlineMessageId: string, data: string): Update {
    return this.pushUpdate({
      callback_query: {
        id: this.chats.openQuery(),
        from: userFor(userId),
        inline_message_id: inlineMessageId,
        chat_instance: `ci-inline-${userId}`,
        data,
      },
    });
  }

  /** Makes the next `times` calls of `method` fail as Telegram would with this error. */
  refuse(
    method: string,
    error: { errorCode: number; description: string; parameters?: BotApiError['parameters'] },
    times = 1,
  ): void {
    const list = this.refusals.get(method.toLowerCase()) ?? [];
    for (let i = 0; i < times; i++)
      list.push(new BotApiError(error.errorCode, error.description, error.parameters));
    this.refusals.set(method.toLowerCase(), list);
  }

  /** The Bot API origin for one bot instance: its calls are recorded with `client: label`. */
  apiRootFor(label: string): string {
    return `${this.apiRoot}/as/${encodeURIComponent(label)}`;
  }

  /**
   * For `ms` (wall time), every `getUpdates` is answered at once with Telegram's
   * 409 Conflict, as when another process long-polls the same token.
   */
  conflictFor(ms: number): void {
    this.conflictUntil = Date.now() + ms;
    // Telegram ends the request being held with the 409 when the other poller arrives.
    for (const end of this.heldPolls) end('conflict');
  }

  /** For `ms` (wall time), every `getUpdates` connection is dropped without an answer (a network error). */
  disconnectFor(ms: number): void {
    this.disconnectUntil = Date.now() + ms;
    for (const end of this.heldPolls) end('disconnect');
  }

  // --- observing the bot ----------------------------------------------------------------------

  callsTo(method: string, client?: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (client === undefined || c.client === client));
  }

  /** The clients with a `getUpdates` open right now. */
  pollers(): string[] {
    return [...this.openPolls].filter(([, n]) => n > 0).map(([label]) => label);
  }

  /** Resolves once `ready` holds, re-checked after every call (fails after the wait timeout). */
  waitFor(ready: () => boolean, what: string): Promise<void> {
    return this.until(ready, () => what);
  }

  /** Resolves with the first `n` calls of `method` once there are that many. */
  async waitForCalls(method: string, n: number): Promise<RecordedCall[]> {
    await this.until(
      () => this.callsTo(method).length >= n,
      () => `${this.callsTo(method).length} of ${n} ${method} calls`,
    );
    return this.callsTo(method).slice(0, n);
  }

  /** Resolves once a `getUpdates` request is being held (the bot is idle, waiting for updates). */
  waitForHeldPoll(): Promise<void> {
    return this.until(
      () => this.updates.held > 0,
      () => 'no getUpdates request held',
    );
  }

  /** Resolves once the bot has finished handling `update` (it asked for the updates after it). */
  async waitUntilHandled(update: Update): Promise<void> {
    let done = false;
    void this.updates.handled(update.update_id).then(() => {
      done = true;
      this.wake();
    });
    await this.until(
      () => done,
      () => `update ${update.update_id} not handled`,
    );
  }

  /** Sends an update and returns every call the bot made while handling it. */
  async exchange(update: Update): Promise<RecordedCall[]> {
    const from = this.calls.length;
    await this.waitUntilHandled(update);
    return this.calls.slice(from).filter((c) => c.method !== 'getUpdates');
  }

  async close(): Promise<void> {
    this.webhook.close();
    this.updates.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- HTTP -----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const m = /^(?:\/as\/([^/]+))?\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m || m[2] !== this.opts.token) return send(res, 401, refusal(401, 'Unauthorized'));
    const client = m[1] ? decodeURIComponent(m[1]) : '';
    const method = m[3]!;
    let params: Params;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    } catch {
      return send(res, 400, refusal(400, "Bad Request: can't parse request body"));
    }
    const lower = method.toLowerCase();
    if (lower === 'getupdates') return this.getUpdates(req, res, params, client);
    const impl = this.webhook.methods[lower] ?? this.chats.methods[lower];
    if (!impl) return send(res, 404, refusal(404, 'Not Found'));
    try {
      const refused = this.refusals.get(method.toLowerCase())?.shift();
      if (refused) throw refused;
      const result = impl(params);
      // Setting a webhook ends a long poll in progress, as on Telegram.
      if (lower === 'setwebhook' && this.webhook.settings) {
        for (const end of this.heldPolls) end('conflict', 'Conflict: terminated by setWebhook request');
      }
      this.record({ method, client, params, ok: true, result });
      send(res, 200, { ok: true, result });
    } catch (err) {
      const e = err instanceof BotApiError ? err : new BotApiError(500, 'Internal Server Error');
      this.record({
        method,
        client,
        params,
        ok: false,
        error: { error_code: e.errorCode, description: e.description },
      });
      send(res, e.errorCode, refusal(e.errorCode, e.description, e.parameters));
    }
  }

  private getUpdates(req: IncomingMessage, res: ServerResponse, params: Params, client: string): void {
    const fail = (how: 'conflict' | 'disconnect', description: string = CONFLICT.description): void => {
      if (how === 'disconnect') {
        this.record({ method: 'getUpdates', client, params, ok: false });
        req.socket.destroy();
        return;
      }
      const error = { error_code: CONFLICT.errorCode, description };
      this.record({ method: 'getUpdates', client, params, ok: false, error });
      send(res, CONFLICT.errorCode, refusal(CONFLICT.errorCode, description));
    };
    if (this.webhook.settings) {
      fail('conflict', WEBHOOK_ACTIVE);
      return;
    }
    const now = Date.now();
    if (now < this.disconnectUntil || now < this.conflictUntil) {
      fail(now < this.disconnectUntil ? 'disconnect' : 'conflict');
      return;
    }
    this.openPoll(client, +1);
    let open = true;
    const end = (how: 'conflict' | 'disconnect', description?: string) => {
      close();
      held.abandon();
      if (!res.writableEnded && !res.destroyed) fail(how, description);
    };
    const close = () => {
      if (open) this.openPoll(client, -1);
      open = false;
      this.heldPolls.delete(end);
    };
    const num = (k: string) => (params[k] === undefined ? undefined : Number(params[k]));
    const held = this.updates.poll(
      { offset: num('offset'), limit: num('limit'), timeout: num('timeout') },
      (u) => {
        close();
        this.record({ method: 'getUpdates', client, params, ok: true, result: u });
        if (!res.writableEnded && !res.destroyed) send(res, 200, { ok: true, result: u });
      },
    );
    if (open) this.heldPolls.add(end);
    res.on('close', () => {
      close();
      held.abandon();
    });
    this.wake();
  }

  private openPoll(client: string, delta: 1 | -1): void {
    this.openPolls.set(client, (this.openPolls.get(client) ?? 0) + delta);
    this.maxConcurrentPollers = Math.max(this.maxConcurrentPollers, this.pollers().length);
    this.wake();
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.wake();
  }

  private wake(): void {
    for (const w of this.callWaiters) w();
  }

  private until(ready: () => boolean, describe: () => string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Bot API server: gave up waiting (${describe()})`));
      }, this.opts.waitTimeoutMs ?? 10_000);
      const cleanup = () => {
        clearTimeout(timer);
        this.callWaiters.delete(check);
      };
      this.callWaiters.add(check);
    });
  }
}

/** The inline buttons of a message (or of a markup), row by row flattened, as text and data. */
export function buttonsOf(m: Message | InlineKeyboardMarkup | undefined): { text: string; data?: string }[] {
  const markup = m && 'inline_keyboard' in m ? m : (m as Message | undefined)?.reply_markup;
  return (markup?.inline_keyboard ?? []).flat().map((b) => ({
    text: b.text,
    ...('callback_data' in b && b.callback_data !== undefined ? { data: b.callback_data } : {}),
  }));
}
