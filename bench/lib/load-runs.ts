/**
 * Helpers for HTTP benchmarks that compare an app with a bare reference:
 * adding up several load runs, describing one, and the URL a listening
 * Fastify instance answers on.
 */
import type { FastifyInstance } from 'fastify';
import type { LoadResult } from './http-load.js';
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
