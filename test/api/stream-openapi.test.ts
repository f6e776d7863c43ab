/**
 * The WebSocket stream's messages match the schemas /openapi.json publishes
 * for them (components StreamServerMessage and StreamClientMessage), on the
 * real app with the copy engine running: every frame a client gets — ready,
 * subscribed, pong, an error, unsubscribed, and the updates of each topic
 * (a followed trader created and deleted, a copy decision of it, a position
 * opened, a market's price) — with no field the document does not name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sqliteTarget } from '../support/databases.js';
import { conformance, type Document } from '../support/openapi-conformance.js';
import { testApp } from '../support/services.js';
import { Client, type Msg } from '../support/ws-client.js';

/** Bound on the wait for the copy engine's first decision about the followed leader. */
const FIRST_COPY_MS = 30_000;

describe('the stream messages and /openapi.json', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let base: string;
  let check: ReturnType<typeof conformance>;
  let client: Client;

  beforeAll(async () => {
    t = await testApp(
      sqliteTarget,
      { simLeaderIntervalMs: 500, polymarketDataApi: 'http://127.0.0.1:9' },
      { realClock: true },
    );
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    check = conformance((await (await fetch(`${base}/openapi.json`)).json()) as Document);
    await t.services.startBackground();
  }, 60_000);
  afterAll(async () => {
    client?.ws.terminate();
    await t?.close();
  });

  const post = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.alice.headers, ...(payload ? { payload } : {}) });
  const send = (m: object) => {
    check.matches('StreamClientMessage', m);
    client.send(m);
  };
  const update = (topic: string, pred: (data: Record<string, unknown>) => boolean = () => true) =>
    client.next(
      (m: Msg) => m.type === 'update' && m.topic === topic && pred(m.data as Record<string, unknown>),
    );

  it('sends frames of every kind and topic that the document describes', async () => {
    const market = (await t.services.venue.fetchMarkets()).find((m) => m.kind === 'spot')!;
    await t.services.priceFeed.loadMarkets();
    client = new Client(new WebSocket(base.replace(/^http/, 'ws') + '/api/v1/stream'));
    await new Promise((resolve) => client.ws.once('open', resolve));
    send({ type: 'auth', token: t.alice.token });
    await client.next((m) => m.type === 'ready');
    send({ type: 'subscribe', topics: ['positions', 'traders', 'copies', `markets:${market.id}`] });
    await client.next((m) => m.type === 'subscribed');
    send({ type: 'ping' });
    await client.next((m) => m.type === 'pong');
    client.send({ type: 'subscribe', topics: ['nope'] });
    await client.next((m) => m.type === 'error');

    const followed = await post('POST', '/traders', {
      name: 'Scalper',
      source: 'simulated',
      address: 'sim-scalper-1',
      followOptions: { copyMode: 'fixed', fixedAmount: '50' },
    });
    expect(followed.statusCode, followed.body).toBe(201);
    const traderId = followed.json().id as number;
    await update('traders', (d) => d['id'] === traderId);
    const opened = await post('POST', '/positions', { marketId: market.id, side: 'long', size: '1' });
    expect(opened.statusCode, opened.body).toBe(201);
    await update('positions', (d) => d['id'] === opened.json().id);
    t.services.priceFeed.ingest([{ symbol: market.symbol, ts: Date.now(), last: 101.25 }]);
    await update(`markets:${market.id}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      update('copies', (d) => d['traderId'] === traderId),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no copy decision pushed')), FIRST_COPY_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    expect((await post('DELETE', `/traders/${traderId}`)).statusCode).toBe(204);
    await update('traders', (d) => d['id'] === traderId && d['deleted'] === true);
    send({ type: 'unsubscribe', topics: ['copies'] });
    await client.next((m) => m.type === 'unsubscribed');

    const kinds = new Set(client.messages.map((m) => (m.type === 'update' ? String(m.topic) : m.type)));
    for (const kind of [
      'ready',
      'subscribed',
      'pong',
      'error',
      'unsubscribed',
      'traders',
      'positions',
      'copies',
    ])
      expect(kinds).toContain(kind);
    expect(kinds).toContain(`markets:${market.id}`);
    for (const m of client.messages) check.matches('StreamServerMessage', m);
  }, 60_000);
});
