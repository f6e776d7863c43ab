/**
 * PostgreSQL failing under a running service, played by a loopback TCP proxy
 * between the service and the shared server (which is never touched):
 * - stopped (connections refused and reset): every route answers 503
 *   DEPENDENCY_UNAVAILABLE with Retry-After, reads, writes and a bearer token
 *   not yet remembered alike, and /readyz answers 503;
 * - frozen (a partition: connections open, nothing answers): /readyz and the
 *   API answer 503 rather than hang (a hang fails the test by its timeout;
 *   no timing is asserted);
 * - forwarding again: everything answers 200, nothing the outage refused
 *   was written, and the outage is logged once when it starts and once when
 *   it ends however many requests failed.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseTarget, databaseTargets } from '../support/databases.js';
import { limitBuy } from '../support/orders.js';
import { testApp } from '../support/services.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const postgres = (await databaseTargets()).find((t) => t.name === 'postgres');
const suite = postgres ? describe : describe.skip;
const OUTAGE_TEST_TIMEOUT_MS = 60_000;

interface LogLine {
  level: number;
  msg: string;
  dependency?: string;
}

suite('PostgreSQL stopped or frozen under a running service', () => {
  let proxy: TcpProxy;
  let t: Awaited<ReturnType<typeof testApp>>;
  let traderId: number;
  let tradersBefore: string;
  let fresh: { headers: Record<string, string> }[] = [];
  const logs: LogLine[] = [];

  beforeAll(async () => {
    const schema = await (postgres as DatabaseTarget).create();
    const server = new URL(schema.url);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const viaProxy: DatabaseTarget = {
      name: 'postgres',
      create: async () => ({ url: proxy.via(schema.url), drop: schema.drop }),
    };
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    t = await testApp(
      viaProxy,
      {
        readyTimeoutMs: 500,
        databaseConnectTimeoutMs: 500,
        databaseStatementTimeoutMs: 1000,
        databasePoolSize: 4,
      },
      { realClock: true, logger: pino({ level: 'info' }, sink) },
    );
    // Users whose tokens the service has never seen: their lookup happens during an outage.
    fresh = [];
    for (const name of ['carol', 'dave', 'erin']) {
      const { token } = await t.services.users.create(name);
      fresh.push({ headers: { authorization: `Bearer ${token}` } });
    }
  });
  afterAll(async () => {
    await proxy?.setMode('forward');
    await t?.close();
    await proxy?.close();
  });

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    who: { headers: Record<string, string> },
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who.headers,
      ...(payload ? { payload } : {}),
    });
  const tradersOf = async (who: { headers: Record<string, string> }) =>
    JSON.stringify((await call('GET', '/traders?limit=500', who)).json());
  /** Two reads (one the dashboard's overview), two writes (one transaction, one single statement) and an order, as one user. */
  const representative = (who: { headers: Record<string, string> }, n: number) => [
    call('GET', '/traders', who),
    call('GET', '/positions', who),
    call('GET', '/overview', who),
    call('POST', '/traders', who, { name: `During ${n}`, source: 'manual', address: `outage-${n}` }),
    call('PATCH', `/traders/${traderId}`, who, { enabled: false }),
    call('POST', '/orders', who, limitBuy(traderId)),
  ];
  const expectUnavailable = (r: Awaited<ReturnType<typeof call>>) => {
    expect(r.statusCode, `${r.body}`).toBe(503);
    expect(r.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(r.body).not.toMatch(/ECONN|127\.0\.0\.1|5432|terminated/);
  };
  const readyz = () => t.app.inject({ method: 'GET', url: '/readyz' });
  /** After the proxy forwards again: the pool's dead connections are replaced within a few tries. */
  const recovered = async () => {
    for (let i = 0; i < 100; i++) {
      if ((await readyz()).statusCode === 200 && (await call('GET', '/traders', t.alice)).statusCode === 200)
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the service did not recover after PostgreSQL came back');
  };
  const outageLogs = () => logs.filter((l) => l.dependency === 'database');

  it('serves normally through the proxy', async () => {
    const created = await call('POST', '/traders', t.alice, {
      name: 'Before',
      source: 'manual',
      address: 'before-outage',
    });
    expect(created.statusCode).toBe(201);
    traderId = created.json().id;
    tradersBefore = await tradersOf(t.alice);
    expect((await readyz()).statusCode).toBe(200);
    expect(outageLogs()).toEqual([]);
  });

  it(
    'answers 503 DEPENDENCY_UNAVAILABLE with Retry-After on every route while PostgreSQL is stopped',
    async () => {
      await proxy.setMode('stopped');
      const answers = await Promise.all([
        ...representative(t.alice, 1),
        call('GET', '/traders', fresh[0]!), // an unknown token is looked up: 503, not 401 or 500
        call('POST', '/traders', fresh[0]!, { name: 'x', source: 'manual', address: 'stopped-fresh' }),
      ]);
      for (const r of answers) expectUnavailable(r);
      const ready = await readyz();
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
    },
    OUTAGE_TEST_TIMEOUT_MS,
  );

  it(
    'recovers when PostgreSQL is back, with nothing of the refused requests written',
    async () => {
      await proxy.setMode('forward');
      await recovered();
      expect(await tradersOf(t.alice)).toBe(tradersBefore);
      expect((await call('GET', '/orders', t.alice)).json().items).toEqual([]);
      expect((await call('GET', '/traders', fresh[0]!)).statusCode).toBe(200);
      expect(await tradersOf(fresh[0]!)).toContain('"items":[]');
      const down = outageLogs().filter((l) => l.level === 40);
      const up = outageLogs().filter((l) => l.level === 30);
      expect(down).toHaveLength(1);
      expect(up).toHaveLength(1);
      expect(up[0]!.msg).toMatch(/database recovered/);
    },
    OUTAGE_TEST_TIMEOUT_MS,
  );

  it(
    'answers /readyz and the API with 503 while PostgreSQL is frozen, instead of hanging',
    async () => {
      await proxy.setMode('frozen');
      const [ready, ...answers] = await Promise.all([
        readyz(),
        ...representative(t.alice, 2),
        call('GET', '/traders', fresh[1]!),
      ]);
      expect(ready!.statusCode).toBe(503);
      for (const r of answers) expectUnavailable(r);
      // The pool's connections all timed out: new ones are opened, and time out too.
      expectUnavailable(await call('GET', '/traders', fresh[2]!));
      expect((await readyz()).statusCode).toBe(503);
    },
    OUTAGE_TEST_TIMEOUT_MS,
  );

  it(
    'recovers after the partition heals, with nothing of the refused requests written',
    async () => {
      await proxy.setMode('forward');
      await recovered();
      expect(await tradersOf(t.alice)).toBe(tradersBefore);
      expect((await call('GET', '/orders', t.alice)).json().items).toEqual([]);
      for (const who of fresh) expect((await call('GET', '/traders', who)).statusCode).toBe(200);
      const created = await call('POST', '/traders', t.alice, {
        name: 'After',
        source: 'manual',
        address: 'after-outage',
      });
      expect(created.statusCode).toBe(201);
      // Logged by state changes only: a start, then its end, never two starts in a row, however
      // many requests failed (a deadline that lapses just as the partition heals may open and
      // close one more).
      const levels = outageLogs().map((l) => l.level);
      expect(levels.length).toBeGreaterThanOrEqual(4);
      expect(levels.length).toBeLessThanOrEqual(6);
      expect(levels).toEqual(levels.map((_, i) => (i % 2 === 0 ? 40 : 30)));
    },
    OUTAGE_TEST_TIMEOUT_MS,
  );
});
