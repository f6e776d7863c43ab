/**
 * GET /api/v1/stream end to end: a real Fastify server on 127.0.0.1 and real
 * `ws` clients. Authentication (header, first message, failures), topics and
 * user scoping, conflation and slow-client disconnection with a paused
 * client socket, bad messages, unsubscribe, and shutdown with 1001.
 */
import { setImmediate as tick } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { registerStream, type StreamDeps } from '../../src/api/routes/stream.js';
import { StreamHub, type StreamHubOptions } from '../../src/api/stream/stream-hub.js';
import { ValidationError } from '../../src/domain/errors.js';
import { databaseTargets } from '../support/databases.js';
import { type TestContext, testServices } from '../support/services.js';
import { Client, type Msg } from '../support/ws-client.js';

type RouteOptions = Omit<StreamDeps, 'hub' | 'users'>;

const isType = (type: string) => (m: Msg) => m.type === type;

describe('GET /api/v1/stream', async () => {
  const [sqlite] = await databaseTargets();
  let t: TestContext;
  let alice: { token: string; id: number };
  let bob: { token: string; id: number };
  const servers: FastifyInstance[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await testServices(sqlite!);
    const a = await t.services.users.create('alice');
    const b = await t.services.users.create('bob');
    alice = { token: a.token, id: a.user.id };
    bob = { token: b.token, id: b.user.id };
  });
  afterAll(() => t.close());
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(hubOpts: StreamHubOptions = {}, routeOpts: RouteOptions = {}) {
    const hub = new StreamHub(hubOpts);
    const app = Fastify({ logger: false });
    await registerStream(app, { hub, users: t.services.users, ...routeOpts });
    await app.listen({ host: '127.0.0.1', port: 0 });
    servers.push(app);
    const { port } = app.server.address() as { port: number };
    return { hub, app, url: `ws://127.0.0.1:${port}/api/v1/stream` };
  }

  async function open(url: string, headers: Record<string, string> = {}): Promise<Client> {
    const ws = new WebSocket(url, { headers });
    const client = new Client(ws);
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** A client authenticated by header, past its `ready`. */
  async function connect(url: string, token: string): Promise<Client> {
    const c = await open(url, { authorization: `Bearer ${token}` });
    await c.next(isType('ready'));
    return c;
  }

  describe('authentication', () => {
    it('accepts a bearer header on the upgrade', async () => {
      const { url } = await start();
      const c = await open(url, { authorization: `Bearer ${alice.token}` });
      expect(await c.next()).toEqual({ type: 'ready', userId: alice.id });
    });

    it('accepts an auth message first', async () => {
      const { url } = await start();
      const c = await open(url);
      c.send({ type: 'auth', token: bob.token });
      expect(await c.next()).toEqual({ type: 'ready', userId: bob.id });
    });

    it('handles messages sent right after the auth message, in order', async () => {
      const { url } = await start();
      const c = await open(url);
      c.send({ type: 'auth', token: alice.token });
      c.send({ type: 'subscribe', topics: ['positions'] });
      c.send({ type: 'ping' });
      expect(await c.next()).toEqual({ type: 'ready', userId: alice.id });
      expect(await c.next()).toEqual({ type: 'subscribed', topics: ['positions'] });
      expect(await c.next()).toEqual({ type: 'pong' });
    });

    it('closes with 4001 for an unknown token, in a header or a message', async () => {
      const { url } = await start();
      const byHeader = await open(url, { authorization: 'Bearer tl_not-a-real-token' });
      expect(await byHeader.closed).toEqual({ code: 4001, reason: 'unknown or revoked token' });
      const byMessage = await open(url);
      byMessage.send({ type: 'auth', token: `tl_${'x'.repeat(43)}` });
      expect(await byMessage.closed).toEqual({ code: 4001, reason: 'unknown or revoked token' });
    });

    it('closes with 4001 for a malformed header, a missing token and a first message that is not auth', async () => {
      const { url } = await start();
      const basic = await open(url, { authorization: 'Basic abc' });
      expect(await basic.closed).toEqual({
        code: 4001,
        reason: 'Authorization header must be "Bearer <token>"',
      });
      const noToken = await open(url);
      noToken.send({ type: 'auth' });
      expect(await noToken.closed).toEqual({
        code: 4001,
        reason: 'expected {type:auth,token} first: an auth message needs a "token" string',
      });
      const early = await open(url);
      early.send({ type: 'subscribe', topics: ['positions'] });
      expect(await early.closed).toEqual({
        code: 4001,
        reason: 'not authenticated: send {type:auth,token} first',
      });
    });

    it('answers a plain HTTP GET with 426 and the standard error body', async () => {
      const { app } = await start();
      const r = await app.inject('/api/v1/stream');
      expect(r.statusCode).toBe(426);
      expect(r.json().error.code).toBe('UPGRADE_REQUIRED');
    });

    it('closes with 4001 when no auth arrives before the deadline', async () => {
      const { url } = await start({}, { authTimeoutMs: 50 });
      const c = await open(url);
      expect(await c.closed).toEqual({ code: 4001, reason: 'auth timeout: send {type:auth,token} first' });
    });
  });

  describe('topics', () => {
    it('delivers a published update to a subscriber', async () => {
      const { url, hub } = await start();
      const c = await connect(url, alice.token);
      c.send({ type: 'subscribe', topics: ['positions', 'traders'] });
      expect(await c.next()).toEqual({ type: 'subscribed', topics: ['positions', 'traders'] });
      hub.publish('positions', '42', { id: 42, size: '10', unrealizedPnl: '1.5' }, alice.id);
      const u = await c.next(isType('update'));
      expect(u).toEqual({
        type: 'update',
        topic: 'positions',
        key: '42',
        data: { id: 42, size: '10', unrealizedPnl: '1.5' },
        ts: expect.any(Number),
      });
      expect(hub.stats()).toMatchObject({ connections: 1, subscriptions: 2, published: 1, sent: 1 });
    });

    it("never sends one user's positions or traders to another user", async () => {
      const { url, hub } = await start();
      const a = await connect(url, alice.token);
      const b = await connect(url, bob.token);
      await a.subscribe('positions', 'traders');
      await b.subscribe('positions', 'traders');
      hub.publish('positions', '1', { owner: 'alice' }, alice.id);
      hub.publish('traders', '7', { owner: 'alice' }, alice.id);
      hub.publish('positions', '2', { owner: 'bob' }, bob.id);
      await a.next((m) => m.topic === 'traders');
      await b.next((m) => m.key === '2');
      expect(a.updates().map((m) => m.data)).toEqual([{ owner: 'alice' }, { owner: 'alice' }]);
      expect(b.updates().map((m) => m.data)).toEqual([{ owner: 'bob' }]);
    });

    it('says whether anyone listens to a topic, per user for user topics', async () => {
      const { url, hub } = await start();
      expect(hub.wants('positions', alice.id)).toBe(false);
      const a = await connect(url, alice.token);
      await a.subscribe('positions', 'markets:BTC/USDT');
      expect(hub.wants('positions', alice.id)).toBe(true);
      expect(hub.wants('positions', bob.id)).toBe(false);
      expect(hub.wants('positions')).toBe(false);
      expect(hub.wants('markets:BTC/USDT')).toBe(true);
      expect(hub.wants('markets:ETH/USDT')).toBe(false);
      a.ws.close();
      await a.closed;
      await vi.waitFor(() => expect(hub.wants('markets:BTC/USDT')).toBe(false));
    });

    it('refuses to publish a user topic without a user, or a public one with a user', async () => {
      const { hub } = await start();
      expect(() => hub.publish('positions', '1', {})).toThrow(ValidationError);
      expect(() => hub.publish('markets:BTC/USDT', '1', {}, alice.id)).toThrow(/is public/);
    });

    it('sends a public market topic to every subscriber, whoever they are', async () => {
      const { url, hub } = await start();
      const cs = [
        await connect(url, alice.token),
        await connect(url, bob.token),
        await connect(url, alice.token),
      ];
      for (const c of cs) await c.subscribe('markets:BTC/USDT');
      const other = await connect(url, bob.token);
      await other.subscribe('markets:ETH/USDT');
      hub.publish('markets:BTC/USDT', 'price', { price: '97000.5' });
      hub.publish('markets:ETH/USDT', 'price', { price: '3500' });
      for (const c of cs) {
        const u = await c.next(isType('update'));
        expect(u).toMatchObject({ topic: 'markets:BTC/USDT', key: 'price', data: { price: '97000.5' } });
      }
      await other.next(isType('update'));
      expect(other.updates().map((m) => m.topic)).toEqual(['markets:ETH/USDT']);
      expect(hub.stats()).toMatchObject({ connections: 4, subscriptions: 4, published: 2, sent: 4 });
    });

    it('stops updates of a topic once unsubscribed', async () => {
      const { url, hub } = await start();
      const c = await connect(url, alice.token);
      await c.subscribe('markets:A', 'markets:B');
      c.send({ type: 'unsubscribe', topics: ['markets:A'] });
      expect(await c.next()).toEqual({ type: 'unsubscribed', topics: ['markets:A'] });
      hub.publish('markets:A', 'price', { n: 1 });
      hub.publish('markets:B', 'price', { n: 2 });
      await c.next(isType('update'));
      expect(c.updates().map((m) => m.topic)).toEqual(['markets:B']);
      expect(hub.stats().subscriptions).toBe(1);
    });

    it('answers each bad message with an error naming the problem and stays open', async () => {
      const { url } = await start({ maxTopicsPerConnection: 3 }, { maxMessageBytes: 1024 });
      const c = await connect(url, alice.token);
      const cases: [string | Buffer, RegExp][] = [
        ['not json', /^malformed JSON: /],
        ['[1,2]', /must be a JSON object with a "type"/],
        ['{"type":"nope"}', /^unknown message type "nope": expected auth, subscribe, unsubscribe or ping$/],
        ['{"type":"subscribe"}', /"topics" must be a non-empty array/],
        [
          '{"type":"subscribe","topics":["bogus"]}',
          /^unknown topic "bogus": use positions, traders, copies or markets/,
        ],
        ['{"type":"subscribe","topics":["markets:"]}', /^unknown topic "markets:"/],
        ['{"type":"subscribe","topics":["positions",7]}', /^topics must be strings, got number$/],
        ['{"type":"subscribe","topics":["a","b","c","d"]}', /^too many topics: 4 in one message, at most 3$/],
        [`{"type":"ping","pad":"${'x'.repeat(2000)}"}`, /^message of \d+ bytes is over the 1024-byte limit$/],
        [Buffer.from([1, 2, 3]), /^binary frames are not accepted/],
        [JSON.stringify({ type: 'auth', token: alice.token }), /^already authenticated$/],
      ];
      for (const [msg, pattern] of cases) {
        if (Buffer.isBuffer(msg)) c.ws.send(msg, { binary: true });
        else c.send(msg);
        const e = await c.next(isType('error'));
        expect(e.code).toBe('VALIDATION_FAILED');
        expect(e.message).toMatch(pattern);
      }
      await c.subscribe('positions', 'traders');
      c.send({ type: 'subscribe', topics: ['markets:X', 'markets:Y'] });
      expect((await c.next(isType('error'))).message).toBe(
        'too many topics: 2 subscribed + 2 new > 3 per connection',
      );
      c.send({ type: 'ping' });
      expect(await c.next()).toEqual({ type: 'pong' });
    });

    it('closes with 1009 on a frame over the maximum payload', async () => {
      const { url } = await start({}, { maxPayloadBytes: 4096, maxMessageBytes: 1024 });
      const c = await connect(url, alice.token);
      c.send({ type: 'ping', pad: 'x'.repeat(5000) });
      expect((await c.closed).code).toBe(1009);
    });
  });

  describe('slow clients', () => {
    const pad = 'x'.repeat(8 * 1024);

    it('conflates: a client that stops reading gets the latest value of every key', async () => {
      const { url, hub } = await start({ maxBufferedBytes: 1024, maxPendingKeys: 1000, maxLagMs: 60_000 });
      const c = await connect(url, alice.token);
      await c.subscribe('markets:X');
      c.ws.pause();
      const keys = Array.from({ length: 10 }, (_, k) => `k${k}`);
      let round = 0;
      // Fill the socket buffers until updates start to be conflated, then a few rounds more.
      for (; round < 5_000 && hub.stats().conflated < 50; round++) {
        for (const key of keys) hub.publish('markets:X', key, { round, pad });
        await tick();
      }
      expect(hub.stats().conflated).toBeGreaterThanOrEqual(50);
      const last = round;
      for (const key of keys) hub.publish('markets:X', key, { round: last, pad });
      c.ws.resume();
      await vi.waitFor(() => {
        const finals = c.updates().filter((m) => (m.data as { round: number }).round === last);
        expect(finals).toHaveLength(keys.length);
      });
      const { published, sent, conflated } = hub.stats();
      expect(published).toBe((last + 1) * keys.length);
      expect(sent + conflated).toBe(published);
      expect(c.updates()).toHaveLength(sent);
      for (const key of keys) {
        const rounds = c
          .updates()
          .flatMap((m) => (m.key === key ? [(m.data as { round: number }).round] : []));
        expect(rounds.at(-1)).toBe(last);
        expect(rounds).toEqual([...rounds].sort((x, y) => x - y));
        expect(new Set(rounds).size).toBe(rounds.length);
      }
      c.send({ type: 'ping' });
      await c.next(isType('pong'));
    });

    it('disconnects with 4008 a client with more pending keys than allowed', async () => {
      const { url, hub } = await start({ maxBufferedBytes: 1024, maxPendingKeys: 20, maxLagMs: 60_000 });
      const c = await connect(url, alice.token);
      const fast = await connect(url, bob.token);
      await c.subscribe('markets:X');
      await fast.subscribe('markets:X');
      c.ws.pause();
      for (let i = 0; i < 20_000 && hub.stats().slowDisconnects === 0; i++) {
        hub.publish('markets:X', `k${i}`, { i, pad });
        if (i % 10 === 9) await tick();
      }
      expect(hub.stats()).toMatchObject({ slowDisconnects: 1, connections: 1, subscriptions: 1 });
      c.ws.resume();
      expect(await c.closed).toEqual({ code: 4008, reason: 'too slow: 21 updates pending (limit 20)' });
      hub.publish('markets:X', 'after', { done: true });
      await fast.next((m) => m.key === 'after');
    });

    it('disconnects with 4008 a client whose updates stay pending longer than maxLagMs', async () => {
      const { url, hub } = await start({ maxBufferedBytes: 1024, maxPendingKeys: 1000, maxLagMs: 100 });
      const c = await connect(url, alice.token);
      await c.subscribe('positions');
      c.ws.pause();
      for (let i = 0; i < 20_000 && hub.stats().conflated === 0; i++) {
        hub.publish('positions', 'same', { i, pad }, alice.id);
        await tick();
      }
      await vi.waitFor(() => expect(hub.stats().slowDisconnects).toBe(1));
      c.ws.resume();
      const closed = await c.closed;
      expect(closed.code).toBe(4008);
      expect(closed.reason).toMatch(/^too slow: 1 updates pending for \d+ ms$/);
      expect(hub.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
    });
  });

  describe('shutdown', () => {
    it('hub.close() closes every client with 1001', async () => {
      const { url, hub } = await start();
      const a = await connect(url, alice.token);
      const b = await connect(url, bob.token);
      await a.subscribe('positions');
      await hub.close();
      expect(await a.closed).toEqual({ code: 1001, reason: 'server shutting down' });
      expect(await b.closed).toEqual({ code: 1001, reason: 'server shutting down' });
      expect(hub.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
    });

    it('closing the server closes its clients with 1001, authenticated or not', async () => {
      const { url, app, hub } = await start();
      const a = await connect(url, alice.token);
      const pendingAuth = await open(url);
      await app.close();
      expect(await a.closed).toEqual({ code: 1001, reason: 'server shutting down' });
      expect(await pendingAuth.closed).toEqual({ code: 1001, reason: 'server shutting down' });
      expect(hub.stats().connections).toBe(0);
    });
  });
});
