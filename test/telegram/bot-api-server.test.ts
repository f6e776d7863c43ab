/**
 * The loopback Bot API server speaks Telegram's protocol: token and method
 * checks with Telegram's status codes, JSON and form bodies, long polling
 * with offset/limit/timeout, and Telegram's refusals for bad sends and edits.
 * The last test drives it with the real grammY client.
 */
import { Api, GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotApiServer } from '../fakes/telegram/bot-api-server.js';

const TOKEN = '123456:TEST-token';

describe('loopback Bot API server', () => {
  let tg: BotApiServer;
  beforeEach(async () => {
    tg = await BotApiServer.start({ token: TOKEN });
  });
  afterEach(() => tg.close());

  const call = async (method: string, body?: unknown, token = TOKEN) => {
    const r = await fetch(`${tg.apiRoot}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('answers 401 for an unknown token and 404 for an unknown method, as Telegram does', async () => {
    expect(await call('getMe', {}, '999:wrong')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(await call('sendPigeon')).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found' },
    });
    expect((await call('getMe')).body).toMatchObject({ ok: true, result: { id: 123456, is_bot: true } });
  });

  it('accepts urlencoded and multipart bodies with JSON-serialised fields', async () => {
    tg.sendText(7, 'hi');
    const markup = JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] });
    const urlencoded = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: '7', text: 'form', reply_markup: markup }),
    });
    expect(await urlencoded.json()).toMatchObject({
      ok: true,
      result: {
        message_id: 2,
        text: 'form',
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
      },
    });
    const form = new FormData();
    form.set('chat_id', '7');
    form.set('text', 'multipart');
    const multipart = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendMessage`, { method: 'POST', body: form });
    expect(await multipart.json()).toMatchObject({ ok: true, result: { message_id: 3, text: 'multipart' } });
  });

  it('long-polls: holds getUpdates until an update arrives, honours offset and limit', async () => {
    const held = call('getUpdates', { timeout: 30 });
    const u1 = tg.sendText(5, '/help');
    const first = await held;
    expect(first.body.result).toEqual([u1]);
    expect(u1.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 5 }]);
    const u2 = tg.sendText(5, 'two');
    const u3 = tg.sendText(5, 'three');
    expect((await call('getUpdates', { offset: u1.update_id + 1, limit: 1 })).body.result).toEqual([u2]);
    expect((await call('getUpdates', { offset: u3.update_id })).body.result).toEqual([u3]);
    // Confirmed updates are gone; with no timeout, an empty answer at once.
    expect((await call('getUpdates', { offset: u3.update_id + 1 })).body.result).toEqual([]);
  });

  it('releases a held getUpdates with an empty answer on close', async () => {
    const held = call('getUpdates', { timeout: 30 });
    await tg.waitForHeldPoll();
    const closing = tg.close();
    expect((await held).body).toEqual({ ok: true, result: [] });
    await closing;
  });

  it('refuses what Telegram refuses: unknown chats, empty text, bad buttons, stale edits and answers', async () => {
    expect((await call('sendMessage', { chat_id: 1, text: 'x' })).body.description).toBe(
      'Bad Request: chat not found',
    );
    tg.sendText(1, 'hello');
    expect((await call('sendMessage', { chat_id: 1, text: ' ' })).body.description).toBe(
      'Bad Request: message text is empty',
    );
    const longData = { inline_keyboard: [[{ text: 'x', callback_data: 'x'.repeat(65) }]] };
    expect(
      (await call('sendMessage', { chat_id: 1, text: 'x', reply_markup: longData })).body.description,
    ).toBe('Bad Request: BUTTON_DATA_INVALID');
    const sent = await call('sendMessage', { chat_id: 1, text: 'same' });
    const id = (sent.body.result as { message_id: number }).message_id;
    const again = await call('editMessageText', { chat_id: 1, message_id: id, text: 'same' });
    expect(again.status).toBe(400);
    expect(again.body.description).toMatch(/^Bad Request: message is not modified/);
    expect(
      (await call('editMessageText', { chat_id: 1, message_id: 1, text: 'mine?' })).body.description,
    ).toBe("Bad Request: message can't be edited");
    expect((await call('answerCallbackQuery', { callback_query_id: 'nope' })).status).toBe(400);
    tg.chats.block(1);
    expect(await call('sendMessage', { chat_id: 1, text: 'x' })).toMatchObject({
      status: 403,
      body: { description: 'Forbidden: bot was blocked by the user' },
    });
  });

  it('serves the real grammY client, including its errors', async () => {
    const api = new Api(TOKEN, { apiRoot: tg.apiRoot });
    expect((await api.getMe()).username).toBe('tradeloop_test_bot');
    tg.sendText(9, '/start');
    const m = await api.sendMessage(9, 'hi', {
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
    const tap = tg.tapButton(9, m.message_id, 'go');
    expect(tap.callback_query).toMatchObject({ data: 'go', message: { message_id: m.message_id } });
    expect(() => tg.tapButton(9, m.message_id, 'other')).toThrow(/no button/);
    await api.answerCallbackQuery(tap.callback_query!.id);
    const edited = await api.editMessageText(9, m.message_id, 'done');
    expect(edited).toMatchObject({ text: 'done' });
    expect((edited as { reply_markup?: unknown }).reply_markup).toBeUndefined();
    tg.refuse('sendMessage', {
      errorCode: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    });
    const err = await api.sendMessage(9, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err).toMatchObject({ error_code: 429, parameters: { retry_after: 3 } });
    expect(tg.callsTo('sendMessage').map((c) => c.ok)).toEqual([true, false]);
  });
});
