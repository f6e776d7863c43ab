/**
 * `tradeloop worker` with WORKER_METRICS_PORT serves Prometheus /metrics:
 * process metrics and the jobs it ran itself (a job queued by the API side
 * and run by the worker shows up there, with its type and outcome), within
 * the exposition rules. With the port at 0 it serves nothing.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePromText } from '../observability/support.js';
import { databaseTargets } from '../support/databases.js';
import { redisUrlForTests } from '../support/redis.js';
import { killWorker, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { isFinished, type JobsHarness, jobsHarness, SHORT_JOB, uniquePrefix, waitForJob } from './harness.js';

const redisUrl = await redisUrlForTests();
const targets = await databaseTargets();
const target = targets[targets.length - 1]!;

/** A port nobody listens on now (the kernel's pick, released at once). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!redisUrl)(`tradeloop worker /metrics (${target.name})`, () => {
  let h: JobsHarness;
  let port: number;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // This process only queues; the worker process runs the jobs.
    h = await jobsHarness(target, {
      redisUrl: redisUrl!,
      jobExecutor: 'bullmq',
      jobQueuePrefix: uniquePrefix('worker-metrics'),
      jobApiWorker: 'off',
    });
    port = await freePort();
    const env = (metricsPort: number) => ({
      DATABASE_URL: h.config.databaseUrl,
      REDIS_URL: redisUrl!,
      JOB_EXECUTOR: 'bullmq',
      JOB_QUEUE_PREFIX: h.config.jobQueuePrefix,
      MAX_CONCURRENT_JOBS: '1',
      HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(metricsPort),
    });
    workers.push(await startWorkerProcess(env(port)));
    workers.push(await startWorkerProcess({ ...env(0), JOB_QUEUE_PREFIX: uniquePrefix('unused') }));
  });
  afterAll(async () => {
    for (const w of workers) await killWorker(w);
    await h?.close();
  });

  it('says where it serves them', () => {
    expect(workers[0]!.output()).toContain(`metrics on http://127.0.0.1:${port}/metrics`);
    expect(workers[1]!.output()).not.toContain('metrics on');
  });

  it('counts the jobs it ran, with process metrics alongside', async () => {
    const job = await h.jobs.submit({ type: 'montecarlo', params: SHORT_JOB, userId: h.alice });
    expect((await waitForJob(h.jobs, job.id, isFinished)).status).toBe('succeeded');
    // The worker records the run just after it writes the row: read until it shows (2 s at most).
    const scrape = async () => {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(r.status).toBe(200);
      return parsePromText(await r.text());
    };
    let prom = await scrape();
    for (let i = 0; i < 20 && !prom.samples.some((s) => s.name === 'tradeloop_worker_jobs_total'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      prom = await scrape();
    }
    expect(prom.types.get('tradeloop_worker_jobs_total')).toBe('counter');
    expect(
      prom.samples.find(
        (s) =>
          s.name === 'tradeloop_worker_jobs_total' &&
          s.labels['type'] === 'montecarlo' &&
          s.labels['outcome'] === 'succeeded',
      )?.value,
    ).toBe(1);
    expect(
      prom.samples.find(
        (s) => s.name === 'tradeloop_worker_job_duration_seconds_count' && s.labels['type'] === 'montecarlo',
      )?.value,
    ).toBe(1);
    expect(prom.samples.find((s) => s.name === 'process_cpu_seconds_total')?.value).toBeGreaterThan(0);
    // Job counts read from the database are the API's `metrics` lease holder's, never a worker's.
    expect(prom.types.has('tradeloop_jobs_finished')).toBe(false);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});
