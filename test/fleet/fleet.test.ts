/**
 * The fleet as the README runs it, in one run: PostgreSQL, a redis-server of
 * this suite (stopped and restarted by PID; never the shared one), two API
 * instances (PRICE_STREAM=auto, the Telegram bot on the loopback Bot API,
 * JOB_EXECUTOR=bullmq with JOB_API_WORKER=off) and two `tradeloop worker`
 * processes, all child processes. In order:
 * - one instance streams and one polls the bot; a position opened through
 *   an instance that does not stream is repriced, its TP/SL fires, and the
 *   repricing reaches that instance's WebSocket clients;
 * - `kill -9` of the price-stream holder: repricing and TP/SL of positions
 *   opened through the other instance resume within the failover time;
 * - `kill -9` of the bot poller: another instance polls and answers, never
 *   two at a time;
 * - a worker killed mid-job: the job runs again on the other worker and
 *   finishes once;
 * - Redis stopped: submits answer 503 within JOB_SUBMIT_TIMEOUT_MS on every
 *   instance and leave nothing; restarted: a retried Idempotency-Key makes
 *   one job, whichever instance the retries reach, and pushes cross
 *   instances again;
 * - the job families summed over the instances equal the rows, and the
 *   workers' own counts equal the jobs they finished.
 * A killed API instance is replaced by a fresh one, as an orchestrator would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dec, decimal } from '../../src/domain/decimal.js';
import { monteCarlo, SPX_BACKTEST } from '../jobs/harness.js';
import { parsePromText } from '../observability/support.js';
import { databaseTargets } from '../support/databases.js';
import { until, within } from '../support/fleet.js';
import { redisServerAvailable } from '../support/redis-server.js';
import { killWorker } from '../support/worker-process.js';
import { Client, type Msg } from '../support/ws-client.js';
import { FleetHarness } from './fleet-harness.js';

const postgres = (await databaseTargets()).find((t) => t.name === 'postgres');
const skipped = !postgres
  ? 'PostgreSQL is not reachable (set TEST_DATABASE_URL)'
  : !redisServerAvailable()
    ? 'redis-server is not installed'
    : undefined;

const LEASE_MS = 2_000;
/** The issue's bound on a takeover after the holder's death (10 s; expected ~1.33 x LEASE_MS). */
const FAILOVER_MS = 10_000;
/** Bound of the waits before any kill: the first stream of a fresh fleet. */
const STARTUP_MS = 30_000;
const SUBMIT_TIMEOUT_MS = 1_000;
const BOT_TOKEN = '525252:fleet-suite-token';
/** A Monte Carlo job of some seconds: long enough to be killed mid-run. */
const SECONDS_JOB = monteCarlo(200_000_000);

interface PositionJson {
  id: number;
  entryPrice: string;
  currentPrice: string;
  status: string;
  closeReason: string | null;
  openedAt: string;
  updatedAt: string;
}
interface JobJson {
  id: number;
  status: string;
  attempts: number;
  progress: number;
}

describe.skipIf(skipped)(
  `a fleet of two API instances and two workers${skipped ? ` (skipped: ${skipped})` : ''}`,
  () => {
    let f: FleetHarness;
    beforeAll(async () => {
      f = await FleetHarness.open(postgres!, {
        leaseMs: LEASE_MS,
        failoverMs: FAILOVER_MS,
        submitTimeoutMs: SUBMIT_TIMEOUT_MS,
        botToken: BOT_TOKEN,
      });
      await Promise.all([f.startApi('a'), f.startApi('b'), f.startWorker(), f.startWorker()]);
    }, 90_000);
    afterAll(() => f?.close(), 60_000);

    const call = <T>(label: string, url: string, init: RequestInit = {}) => f.call<T>(label, url, init);
    const other = (label: string) => f.other(label);
    const spot = async () =>
      (
        await call<{ items: { id: string; kind: string }[] }>(f.labels()[0]!, '/api/v1/markets?limit=20')
      ).items.filter((m) => m.kind !== 'binary');
    const position = (label: string, id: number) => call<PositionJson>(label, `/api/v1/positions/${id}`);
    /** Opens a long through `label` with TP and SL a hair either side of the price: the next tick closes it. */
    async function openTight(label: string, marketId: string): Promise<PositionJson> {
      const p = await call<PositionJson>(label, '/api/v1/positions', {
        method: 'POST',
        body: JSON.stringify({ marketId, side: 'long', size: '1' }),
      });
      const band = (price: string) => dec.round(dec.mul(decimal(price), decimal('0.00001')), 10);
      for (let attempt = 0; ; attempt++) {
        const now = await position(label, p.id);
        if (now.status !== 'open') return now; // already closed by a tick of its own
        const r = await f.request(label, `/api/v1/positions/${p.id}`, {
          method: 'PATCH',
          body: JSON.stringify({
            takeProfit: dec.add(decimal(now.currentPrice), band(now.currentPrice)),
            stopLoss: dec.sub(decimal(now.currentPrice), band(now.currentPrice)),
          }),
        });
        if (r.ok) return p;
        // A tick moved the price between the read and the patch: read it again.
        if (attempt >= 5 || ![400, 409].includes(r.status))
          throw new Error(`PATCH: ${r.status} ${await r.text()}`);
      }
    }
    /** Polls position `id` through `label` until `done`; the failure shows the last state seen. */
    async function positionUntil(
      label: string,
      id: number,
      what: string,
      done: (p: PositionJson) => boolean,
      ms: number,
    ) {
      let last: PositionJson | undefined;
      return until(
        `position ${id} ${what}`,
        async () => {
          last = await position(label, id);
          return done(last) ? last : undefined;
        },
        ms,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}; last seen: ${JSON.stringify(last)}; ${await priceFeedState()}`);
      });
    }
    /** Each live instance's price-feed counters and leases from /metrics, to explain a failed wait. */
    async function priceFeedState(): Promise<string> {
      const lines = await Promise.all(
        f.labels().map(async (l) => {
          const m = await call<string>(l, '/metrics').catch((e: Error) => `unreachable: ${e.message}`);
          const wanted = m
            .split('\n')
            .filter((x) => /^tradeloop_(price_|fleet_lease_held)/.test(x))
            .join(', ');
          return `${l} at ${new Date().toISOString()}: ${wanted}`;
        }),
      );
      return lines.join(' | ');
    }
    const closedWithin = (label: string, id: number, ms = FAILOVER_MS) =>
      positionUntil(label, id, 'closed by its TP/SL', (p) => p.status === 'closed', ms);
    const repricedAfter = (label: string, id: number, after: number, ms = FAILOVER_MS) =>
      positionUntil(
        label,
        id,
        'repriced',
        (p) => Date.parse(p.updatedAt) > after && p.currentPrice !== p.entryPrice,
        ms,
      );
    /** The one instance with a getUpdates open, and that it answers a chat. */
    async function botPoller(): Promise<string> {
      // A replacement may poll before its start resolved: only the killed are excluded.
      await f.tg.waitFor(
        () => f.tg.pollers().length === 1 && !f.killed.has(f.tg.pollers()[0]!),
        'one poller that is alive',
      );
      return f.tg.pollers()[0]!;
    }
    /** `poller` answers a chat (and nobody else does), and says so in /readyz. */
    async function answersAs(poller: string, chatId: number): Promise<void> {
      const sent = (await f.tg.exchange(f.tg.sendText(chatId, '/help'))).filter(
        (c) => c.method === 'sendMessage',
      );
      expect(sent.map((c) => c.client)).toEqual([poller]);
      expect((await f.readyz(poller)).body.telegram?.role).toBe('polling');
    }

    /** A repricing of position `id` later than `after`, pushed to a WebSocket client of instance `label`. */
    async function pushedTo(label: string, id: number, after: number, ms: number): Promise<void> {
      const ws = new Client(
        new WebSocket(`${f.api.get(label)!.url.replace('http', 'ws')}/api/v1/stream`, {
          headers: { authorization: `Bearer ${f.token}` },
        }),
      );
      try {
        await ws.next((m) => m.type === 'ready');
        await ws.subscribe('positions');
        const pushed = await within(
          ms,
          `a repricing of position ${id} pushed to a client of ${label}`,
          ws.next((m: Msg) => {
            const d = m.data as PositionJson | undefined;
            return m.type === 'update' && d?.id === id && Date.parse(d.updatedAt) > after;
          }),
        );
        expect((pushed.data as PositionJson).currentPrice).toMatch(/^\d/);
      } finally {
        ws.ws.terminate();
      }
    }

    let first: PositionJson;

    it('one instance streams and one polls; a position opened on a non-streaming instance is repriced, pushed there, and its TP/SL fires', async () => {
      const streaming = await f.holder('price-stream');
      const quiet = other(streaming);
      const [m0, m1] = await spot();
      first = await call<PositionJson>(quiet, '/api/v1/positions', {
        method: 'POST',
        body: JSON.stringify({ marketId: m0!.id, side: 'long', size: '1' }),
      });
      // No failover here: only the first stream of a fresh fleet (market listing loaded on a busy machine).
      await repricedAfter(quiet, first.id, Date.parse(first.openedAt), STARTUP_MS);
      await pushedTo(quiet, first.id, Date.parse(first.openedAt), STARTUP_MS);
      const tight = await openTight(quiet, m1!.id);
      expect((await closedWithin(quiet, tight.id, STARTUP_MS)).closeReason).toMatch(
        /^(take_profit|stop_loss)$/,
      );
      const counter = async (label: string, name: string) =>
        Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await call<string>(label, '/metrics'))?.[1] ?? 0);
      expect(await counter(quiet, 'tradeloop_push_bus_messages_received_total')).toBeGreaterThan(0);
      expect(await counter(streaming, 'tradeloop_push_bus_messages_sent_total')).toBeGreaterThan(0);

      const poller = await botPoller();
      await answersAs(poller, 11);
      expect((await f.readyz(other(poller))).body).toMatchObject({
        status: 'ready',
        telegram: { role: 'standby' },
      });
      expect(await call<string>(poller, '/metrics')).toMatch(/^tradeloop_telegram_polling 1$/m);
      expect(await call<string>(other(poller), '/metrics')).toMatch(/^tradeloop_telegram_polling 0$/m);
      expect(f.tg.callsTo('getUpdates', other(poller))).toEqual([]);
    }, 120_000);

    it('kill -9 of the price-stream holder: repricing and TP/SL of positions opened through the other instance resume', async () => {
      const streaming = await f.holder('price-stream');
      const survivor = other(streaming);
      const killedAt = await f.kill(streaming);
      // Opened while nobody streams; the replacement starts meanwhile, as an orchestrator's would.
      const replacement = f.startApi('c');
      const tight = await openTight(survivor, (await spot())[2]!.id);
      expect((await closedWithin(survivor, tight.id)).closeReason).toMatch(/^(take_profit|stop_loss)$/);
      await repricedAfter(survivor, first.id, killedAt);
      expect(Date.now() - killedAt).toBeLessThan(FAILOVER_MS);
      await replacement;
      await f.holder('price-stream'); // exactly one, the replacement standing by
    }, 60_000);

    it('kill -9 of the bot poller: another instance polls and answers, one poller at a time', async () => {
      const poller = await botPoller();
      await answersAs(poller, 12);
      const killedAt = await f.kill(poller);
      const replacement = f.startApi('d');
      const next = await botPoller();
      expect(Date.now() - killedAt).toBeLessThan(FAILOVER_MS);
      expect(next).not.toBe(poller);
      await replacement;
      await answersAs(next, 13);
      expect(f.tg.maxConcurrentPollers).toBe(1);
    }, 60_000);

    it('a worker killed mid-job: the job runs again on the other worker and finishes once', async () => {
      const [x, y] = f.labels() as [string, string];
      const submitted = [
        await call<JobJson>(x, '/api/v1/montecarlo', { method: 'POST', body: JSON.stringify(SECONDS_JOB) }),
        await call<JobJson>(y, '/api/v1/montecarlo', { method: 'POST', body: JSON.stringify(SECONDS_JOB) }),
      ];
      const job = (id: number) => call<JobJson>(x, `/api/v1/jobs/${id}`);
      // One job on each worker (one job at a time each): whichever dies, it dies mid-job.
      await until(
        'both jobs running',
        async () => {
          const js = await Promise.all(submitted.map((j) => job(j.id)));
          return js.every((j) => j.status === 'running' && j.progress > 0) ? js : undefined;
        },
        30_000,
      );
      await killWorker(f.workers[0]!.w);
      const done = await until(
        'both jobs finished',
        async () => {
          const js = await Promise.all(submitted.map((j) => job(j.id)));
          return js.every((j) => !['queued', 'running'].includes(j.status)) ? js : undefined;
        },
        60_000,
      );
      expect(done.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
      expect(done.map((j) => j.attempts).sort()).toEqual([1, 2]);
      const listed = (await call<{ items: JobJson[] }>(y, '/api/v1/jobs?limit=50')).items.map((j) => j.id);
      expect(listed.sort()).toEqual(submitted.map((j) => j.id).sort());
    }, 90_000);

    it('Redis stopped: every instance answers 503 within JOB_SUBMIT_TIMEOUT_MS, leaving nothing; restarted: a retried key makes one job, pushes cross again', async () => {
      const rowsBefore = await f.jobRows();
      await f.redis.stop();
      for (const label of f.labels()) {
        const r = await within(
          SUBMIT_TIMEOUT_MS + 2_000, // slack for HTTP to a child process on a busy machine; a hang is the outage
          `POST /backtests on ${label} with Redis down`,
          f.request(label, '/api/v1/backtests', {
            method: 'POST',
            body: JSON.stringify(SPX_BACKTEST),
            key: 'fleet-retry',
          }),
        );
        expect(r.status).toBe(503);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
        expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      }
      expect(await f.jobRows()).toEqual(rowsBefore);

      await f.redis.start();
      for (const label of f.labels())
        await until(
          `${label} ready again`,
          async () => ((await f.readyz(label)).status === 200 ? true : undefined),
          15_000,
        );
      const [x, y] = f.labels() as [string, string];
      const submit = (label: string) =>
        f.request(label, '/api/v1/backtests', {
          method: 'POST',
          body: JSON.stringify(SPX_BACKTEST),
          key: 'fleet-retry',
        });
      const accepted = await submit(x);
      expect(accepted.status).toBe(202);
      const body = await accepted.text();
      const replay = await submit(y);
      expect(replay.status).toBe(202);
      expect(await replay.text()).toBe(body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const id = (JSON.parse(body) as JobJson).id;
      const finished = await until(
        `job ${id} run by the surviving worker`,
        async () => {
          const j = await call<JobJson>(y, `/api/v1/jobs/${id}`);
          return j.status === 'queued' || j.status === 'running' ? undefined : j;
        },
        30_000,
      );
      expect(finished.status).toBe('succeeded');
      expect(await f.jobRows()).toEqual({ ...rowsBefore, succeeded: (rowsBefore['succeeded'] ?? 0) + 1 });
      // The push bus is back too: a repricing reaches a client of the instance that does not stream.
      const streaming = await f.holder('price-stream');
      await pushedTo(other(streaming), first.id, Date.now(), FAILOVER_MS);
    }, 90_000);

    it('the job families summed over the instances equal the rows; the workers count what they finished', async () => {
      const byStatus = await f.jobRows();
      expect(byStatus['succeeded']).toBe(3);
      const sums = async () => {
        const scraped = await Promise.all(
          f.labels().map(async (l) => parsePromText(await call<string>(l, '/metrics'))),
        );
        const finished = (outcome: string) =>
          scraped
            .flatMap((p) => p.samples)
            .filter((s) => s.name === 'tradeloop_jobs_finished' && s.labels['outcome'] === outcome)
            .reduce((a, s) => a + s.value, 0);
        return {
          exporters: scraped.filter((p) => p.samples.some((s) => s.name === 'tradeloop_jobs_finished'))
            .length,
          succeeded: finished('succeeded'),
          failed: finished('failed'),
          cancelled: finished('cancelled'),
        };
      };
      const want = {
        exporters: 1,
        succeeded: byStatus['succeeded'] ?? 0,
        failed: byStatus['failed'] ?? 0,
        cancelled: byStatus['cancelled'] ?? 0,
      };
      // The `metrics` lease may have died with a killed instance: its successor exports within the failover time.
      let last: Awaited<ReturnType<typeof sums>> | undefined;
      await until(
        'one exporter with the rows',
        async () => {
          last = await sums();
          return JSON.stringify(last) === JSON.stringify(want) ? last : undefined;
        },
        FAILOVER_MS,
      ).catch(() => undefined);
      expect(last).toEqual(want);
      // The killed worker finished nothing; the live one every job (recorded just after it writes the row).
      const live = f.liveWorkers();
      const ranByWorkers = async () => {
        let ran = 0;
        for (const { metricsPort } of live) {
          const prom = parsePromText(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
          for (const s of prom.samples)
            if (s.name === 'tradeloop_worker_jobs_total' && s.labels['outcome'] === 'succeeded')
              ran += s.value;
        }
        return ran === byStatus['succeeded'] ? ran : undefined;
      };
      expect(await until('the workers to count every finished job', ranByWorkers, 5_000)).toBe(3);
    }, 30_000);
  },
);
