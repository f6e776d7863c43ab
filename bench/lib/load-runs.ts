/**
 * Helpers for HTTP benchmarks that compare an app with a bare reference:
 * the bare/app/app/bare run sequence, adding up several load runs,
 * describing one, and the URL a listening Fastify instance answers on.
 */
import type { FastifyInstance } from 'fastify';
import { type LoadResult, type LoadSpec, runLoad } from './http-load.js';
import { formatNumber } from './stats.js';

/** Several runs as one: totals added, rate over the summed duration, the worse latency percentiles. */
export function combine(rs: readonly LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  const durationSec = sum((r) => r.durationSec);
  const ok = sum((r) => r.ok);
  return {
    okPerSec: ok / durationSec,
    requests: sum((r) => r.requests),
    ok,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    durationSec,
    latencyP50Ms: Math.max(...rs.map((r) => r.latencyP50Ms)),
    latencyP99Ms: Math.max(...rs.map((r) => r.latencyP99Ms)),
    bytesPerSec: sum((r) => r.bytesPerSec * r.durationSec) / durationSec,
  };
}

export const describeLoad = (r: LoadResult): string =>
  `${formatNumber(r.okPerSec)} req/s, latency p50 ${r.latencyP50Ms} ms p99 ${r.latencyP99Ms} ms, ` +
  `${r.ok} ok / ${r.non2xx} non-2xx / ${r.errors} errors / ${r.timeouts} timeouts in ${r.durationSec.toFixed(1)} s`;

/** http://127.0.0.1:<port> of a Fastify instance listening on the loopback. */
export function loopbackUrl(app: FastifyInstance): string {
  const addr = app.server.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('server is not listening on a TCP port');
  return `http://127.0.0.1:${addr.port}`;
}

export interface AbRuns {
  app: LoadResult;
  bare: LoadResult;
  runs: { app: LoadResult[]; bare: LoadResult[] };
  /** CPU of this process (both servers live here) per request, µs. */
  cpuPerRequestUs: { app: number; bare: number };
}

/**
 * Warms both servers, then runs bare, app, app, bare, so a change in
 * background load during the run hits both sides alike.
 */
export async function bareAppAppBare(
  log: (m: string) => void,
  spec: (side: 'app' | 'bare', durationSec: number) => LoadSpec,
  durationSec: number,
  warmupSec: number,
  /** Called between the warm-ups and the measured runs (e.g. to reset counters). */
  afterWarmup?: () => void,
): Promise<AbRuns> {
  log('warming up both servers');
  await runLoad(spec('app', warmupSec));
  await runLoad(spec('bare', warmupSec));
  afterWarmup?.();
  const runs: { app: LoadResult[]; bare: LoadResult[] } = { app: [], bare: [] };
  const cpuUs = { app: 0, bare: 0 };
  for (const side of ['bare', 'app', 'app', 'bare'] as const) {
    const s = spec(side, durationSec);
    log(
      `${side === 'app' ? 'real app' : 'bare Fastify route'}, ${s.connections} connections, ${durationSec} s`,
    );
    const c0 = process.cpuUsage();
    runs[side].push(await runLoad(s));
    const c = process.cpuUsage(c0);
    cpuUs[side] += c.user + c.system;
  }
  const app = combine(runs.app);
  const bare = combine(runs.bare);
  return {
    app,
    bare,
    runs,
    cpuPerRequestUs: { app: cpuUs.app / app.requests, bare: cpuUs.bare / bare.requests },
  };
}
