/**
 * PATCH /api/v1/traders/:id {"enabled": ...} on the real app (auth, rate
 * limit, validation, service, SQLite commit, response schema) under
 * autocannon, against a bare Fastify route returning a JSON body of the same
 * size under the same load. Requests go to 1,000 different traders in turn.
 * Rates are 2xx responses per second.
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { startServer } from '../src/main.js';
import type { Benchmark } from './lib/context.js';
import { benchConfig, createTraders } from './lib/fixtures.js';
import { type LoadResult, type LoadSpec, runLoad } from './lib/http-load.js';
import { combine, describeLoad, loopbackUrl } from './lib/load-runs.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const TRADERS = 1_000;
const CONNECTIONS = 10;
const DURATION_SEC = 5;
const WARMUP_SEC = 1;
const MIN_RATIO = 0.5;

export const toggleHttp: Benchmark = {
  name: 'toggle-http',
  async run(ctx) {
    const dataDir = ctx.tempDir('toggle-http');
    const server = await startServer(benchConfig(dataDir), { quiet: true });
    ctx.defer(() => server.stop());
    const s = server.services;
    const { user, token } = await s.users.create('bench');
    const ids = await createTraders(s, user.id, TRADERS);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // One real toggle, to check the route and copy its response size for the reference.
    const probe = await fetch(`${server.url}/api/v1/traders/${ids[0]}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ enabled: false }),
    });
    const probeText = await probe.text();
    if (probe.status !== 200) throw new Error(`probe PATCH answered ${probe.status}: ${probeText}`);
    const payload: unknown = JSON.parse(probeText);

    const ref = Fastify({ logger: false });
    ref.patch('/api/v1/traders/:id', async () => payload);
    await ref.listen({ host: '127.0.0.1', port: 0 });
    ctx.defer(() => ref.close());
    const refUrl = loopbackUrl(ref);
    const refCheck = await fetch(`${refUrl}/api/v1/traders/1`, {
      method: 'PATCH',
      headers,
      body: '{"enabled":true}',
    });
    const refBytes = (await refCheck.text()).length;
    if (refCheck.status !== 200) throw new Error(`reference server answered ${refCheck.status}`);

    const spec = (url: string, durationSec: number): LoadSpec => ({
      url,
      method: 'PATCH',
      connections: CONNECTIONS,
      durationSec,
      headers,
      paths: ids.map((id) => `/api/v1/traders/${id}`),
      // Traders start enabled: the first pass disables them all, the next enables them, and so on.
      bodies: ['{"enabled":false}', '{"enabled":true}'],
    });
    ctx.log('warming up both servers');
    await runLoad(spec(server.url, WARMUP_SEC));
    await runLoad(spec(refUrl, WARMUP_SEC));
    // A-B-B-A, so a change in background load during the run hits both sides alike.
    const runs: { app: LoadResult[]; bare: LoadResult[] } = { app: [], bare: [] };
    for (const side of ['bare', 'app', 'app', 'bare'] as const) {
      ctx.log(
        `${side === 'app' ? 'real app' : 'bare Fastify route'}, ${CONNECTIONS} connections, ${DURATION_SEC} s`,
      );
      runs[side].push(await runLoad(spec(side === 'app' ? server.url : refUrl, DURATION_SEC)));
    }
    const app = combine(runs.app);
    const bare = combine(runs.bare);

    // SQLite restarts the WAL after each auto-checkpoint (1000 pages, ~4 MB): a larger file means it did not.
    const walBytes =
      fs.statSync(path.join(dataDir, 'tradeloop.db-wal'), { throwIfNoEntry: false })?.size ?? 0;
    const clean = app.non2xx === 0 && app.errors === 0 && app.ok > 0;
    const ratio = app.okPerSec / bare.okPerSec;
    return [
      result({
        name: 'toggle-http',
        value: app.okPerSec,
        unit: 'req/s',
        target: `>= ${MIN_RATIO * 100}% of bare Fastify`,
        reference: { name: 'bare Fastify JSON route', value: bare.okPerSec, unit: 'req/s' },
        pass: clean && ratio >= MIN_RATIO,
        notes: [
          `app: ${describeLoad(app)}`,
          `bare: ${describeLoad(bare)}`,
          `response ${probeText.length} bytes (reference ${refBytes}); ${TRADERS} traders, each request a different id`,
          `autocannon in a child process, both servers on 127.0.0.1; runs bare, app, app, bare of ${DURATION_SEC} s each after ${WARMUP_SEC} s warm-ups`,
          clean ? 'every app response was 2xx' : 'APP ANSWERED NON-2xx OR ERRORED',
          `WAL file after the app runs: ${formatNumber(walBytes / 2 ** 20)} MiB for ${app.ok} toggles`,
        ],
      }),
    ];
  },
};
