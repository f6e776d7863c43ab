/**
 * Users' exchange keys through the API, checked against the BingX loopback
 * exchange (real ccxt, real signed HTTP): kept only when the venue accepts
 * them, refused with the venue's reason when wrong, 503 with nothing stored
 * when the venue is down, keys with withdrawal rights refused; listed with a
 * masked key id; forgotten on DELETE; sealed at rest (the database holds no
 * key); and the secret never appears in an answer, a log line or /metrics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { compile } from '../../src/store/prepared.js';
import { closeExchanges } from '../../src/venues/ccxt/exchange-registry.js';
import { BingxLoopbackServer } from '../fakes/bingx/bingx-loopback-server.js';
import { databaseTargets } from '../support/databases.js';
import { testApp } from '../support/services.js';

const GOOD = { apiKey: 'AK-trade-only-0123456789', secret: 'SK-very-secret-value-abcdef' };
const WITHDRAW = { apiKey: 'AK-can-withdraw-987654321', secret: 'SK-withdraw-secret-zyxwvu' };

describe.each(await databaseTargets())('credentials API on $name', (target) => {
  let server: BingxLoopbackServer;
  let t: Awaited<ReturnType<typeof testApp>>;
  let dataDir: string;
  const logs: string[] = [];
  let loggedApp: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    server = await BingxLoopbackServer.start({ account: { ...GOOD, permissions: [1, 2] } });
    server.addAccount({ ...WITHDRAW, permissions: [1, 2, 5] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cred-'));
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    t = await testApp(
      target,
      { dataDir, liveVenueOrigins: { bingx: server.origin } },
      { logger: pino({ level: 'trace' }, sink) },
    );
    loggedApp = await buildApp(t.services, { logger: { level: 'trace' } });
  });
  afterAll(async () => {
    await loggedApp?.close();
    await t?.close();
    await closeExchanges();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const put = (venue: string, payload: unknown, headers = t.alice.headers) =>
    t.app.inject({ method: 'PUT', url: `/api/v1/credentials/${venue}`, headers, payload: payload as object });
  const list = (headers = t.alice.headers) =>
    t.app.inject({ url: '/api/v1/credentials', headers }).then((r) => r.json().items);
  const stored = () => t.services.db.all(compile(t.services.db.kysely.selectFrom('credentials').selectAll()));

  it('generates the secrets key file with mode 0600 when SECRETS_KEY is unset', () => {
    const stat = fs.statSync(path.join(dataDir, 'secrets.key'));
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('keeps keys the venue accepts, sealed, and lists them masked with their permissions', async () => {
    const r = await put('bingx', GOOD);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      venue: 'bingx',
      keyId: 'AK-t…6789',
      permissions: ['spot-trade', 'read'],
    });
    expect(await list()).toEqual([r.json()]);
    expect(await list(t.bob.headers)).toEqual([]);
    const rows = await stored();
    expect(rows).toHaveLength(1);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(GOOD.secret);
    expect(text).not.toContain(GOOD.apiKey);
    // Real keys reach the venue: the balance read was signed with them.
    expect(server.count('/openApi/spot/v1/account/balance')).toBeGreaterThan(0);
  });

  it('opens what it sealed only for the same user and venue', async () => {
    const c = (await t.services.credentials.stored(t.alice.user.id, 'bingx'))!;
    expect(t.services.credentials.open(c)).toEqual(GOOD);
    expect(() => t.services.credentials.open({ ...c, userId: t.bob.user.id })).toThrow();
  });

  it('refuses wrong keys with the venue’s reason, without echoing the secret, and stores nothing', async () => {
    const wrong = { apiKey: GOOD.apiKey, secret: 'SK-wrong-secret-000000' };
    const r = await put('bingx', wrong, t.bob.headers);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
    expect(r.json().error.message).toContain('Signature verification failed');
    expect(r.body).not.toContain(wrong.secret);
    expect(await list(t.bob.headers)).toEqual([]);
  });

  it('refuses a key with withdrawal rights unless ALLOW_WITHDRAW_KEYS=on', async () => {
    const r = await put('bingx', WITHDRAW, t.bob.headers);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain('withdraw');
    expect(await list(t.bob.headers)).toEqual([]);
  });

  it('answers bad input with 400 naming the field, and unknown venues with 400', async () => {
    const missing = await put('bingx', { apiKey: 'x-only-key' }, t.bob.headers);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toContainEqual({ path: 'body.secret', message: expect.any(String) });
    const extra = await put('bingx', { ...GOOD, note: 'hi' }, t.bob.headers);
    expect(extra.json().error.details).toContainEqual({ path: 'body.note', message: expect.any(String) });
    const venue = await put('nosuchexchange', GOOD, t.bob.headers);
    expect(venue.statusCode).toBe(400);
    expect(venue.json().error.details[0].path).toBe('params.venue');
    expect(await list(t.bob.headers)).toEqual([]);
  });

  it('answers 503 and stores nothing when the exchange is down', async () => {
    server.failNext({ status: 503, body: 'Service Unavailable' }, 20);
    const r = await put('bingx', GOOD, t.bob.headers);
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(r.body).not.toContain(GOOD.secret);
    expect(await list(t.bob.headers)).toEqual([]);
    server.clearFailures();
  });

  it('never shows a secret in answers, logs or /metrics', async () => {
    logs.length = 0;
    const stdout: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      stdout.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    const answers: string[] = [];
    try {
      const inject = (method: 'PUT' | 'GET', url: string, payload?: object) =>
        loggedApp
          .inject({ method, url, headers: t.bob.headers, ...(payload ? { payload } : {}) })
          .then((r) => answers.push(r.body));
      await inject('PUT', '/api/v1/credentials/bingx', {
        apiKey: GOOD.apiKey,
        secret: 'SK-wrong-again-1111',
      });
      await inject('PUT', '/api/v1/credentials/bingx', WITHDRAW);
      await inject('PUT', '/api/v1/credentials/bingx', GOOD);
      await inject('GET', '/api/v1/credentials');
      answers.push((await loggedApp.inject({ url: '/metrics' })).body);
    } finally {
      process.stdout.write = write;
    }
    const everything = [...answers, ...logs, ...stdout].join('\n');
    expect(answers.join('')).toContain('…'); // the masked id was listed
    for (const secret of [GOOD.secret, WITHDRAW.secret, 'SK-wrong-again-1111', GOOD.apiKey, WITHDRAW.apiKey])
      expect(everything).not.toContain(secret);
  });

  it('forgets keys on DELETE (404 when there are none)', async () => {
    const del = () =>
      t.app.inject({ method: 'DELETE', url: '/api/v1/credentials/bingx', headers: t.bob.headers });
    expect((await del()).statusCode).toBe(204);
    expect(await list(t.bob.headers)).toEqual([]);
    expect((await del()).statusCode).toBe(404);
    expect(await list()).toHaveLength(1);
  });

  it('makes a live follow need credentials for its venue (400 naming it), and a venue at all', async () => {
    const follow = (headers: Record<string, string>, followOptions: object, address = 'live-leader') =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/traders',
        headers,
        payload: { name: 'Live', source: 'manual', address, followOptions },
      });
    const none = await follow(t.bob.headers, { execution: 'live', liveVenue: 'bingx' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toContain('bingx');
    expect(none.json().error.details[0].path).toBe('body.followOptions.execution');
    const noVenue = await follow(t.alice.headers, { execution: 'live' });
    expect(noVenue.statusCode).toBe(400);
    expect(noVenue.json().error.details[0].path).toBe('body.followOptions.liveVenue');
    const ok = await follow(t.alice.headers, { execution: 'live', liveVenue: 'bingx' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().followOptions).toMatchObject({ execution: 'live', liveVenue: 'bingx' });
    const paper = await follow(t.bob.headers, {}, 'paper-leader');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/traders/${paper.json().id}`,
      headers: t.bob.headers,
      payload: { followOptions: { execution: 'live', liveVenue: 'bingx' } },
    });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.message).toContain('bingx');
  });
});
