/**
 * Child process side of http-load.ts: receives one LoadSpec, runs autocannon,
 * reports a LoadResult and exits.
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './http-load.js';

async function run(spec: LoadSpec): Promise<LoadResult> {
  let n = 0;
  const { paths, bodies } = spec;
  const r = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSec,
    headers: spec.headers,
    requests: [
      {
        method: spec.method,
        setupRequest: (req) => {
          const i = n++;
          const pass = Math.floor(i / paths.length);
          const body = bodies.length > 0 ? bodies[pass % bodies.length] : undefined;
          return { ...req, path: paths[i % paths.length]!, ...(body === undefined ? {} : { body }) };
        },
      },
    ],
  });
  const ok = r['2xx'];
  return {
    okPerSec: ok / r.duration,
    requests: r.requests.total,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSec: r.duration,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    bytesPerSec: r.throughput.average,
  };
}

process.once('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (err: unknown) =>
      process.send?.({ ok: false, error: String(err instanceof Error ? err.stack : err) }, () =>
        process.exit(1),
      ),
  );
});
