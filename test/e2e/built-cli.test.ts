/**
 * The service as `npm start` runs it: bin/tradeloop.js over the bundle in
 * dist/bundle (scripts/bundle.mjs), not the sources through tsx as the other
 * suites do. What a bundle can break is what is found by path: the package's
 * version for the OpenAPI page, the dashboard build, and the job worker that
 * piscina starts from a file beside the bundle. Built first when the build is
 * missing or older than the sources (scripts/build-if-stale.mjs, as
 * `npm start` does).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNodeEnv, serviceNodeFlags } from '../../scripts/node-flags.mjs';
import { BUILT_CLI, type ChildServer, ROOT, startChildServer } from '../support/child-server.js';

const SCHED_IDLE = 5;

/** The scheduling policy of each thread of a process (field 41 of /proc/<pid>/task/<tid>/stat). */
function threadPolicies(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 is the first.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
  });
}

describe('the built CLI (dist/bundle)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-built-'));
  let server: ChildServer;
  let headers: Record<string, string>;
  /** The first line of bin/tradeloop.js: how the `tradeloop` command starts Node. */
  const shebang = fs.readFileSync(path.join(ROOT, 'bin/tradeloop.js'), 'utf8').split('\n')[0]!;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-if-stale.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
    server = await startChildServer({ DATA_DIR: dir, LOG_LEVEL: 'warn' }, BUILT_CLI);
    const token = fs.readFileSync(path.join(dir, 'local-token'), 'utf8').trim();
    headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  }, 320_000);
  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('npm start, npm run worker and the tradeloop command run Node with the same flags', () => {
    const flags = serviceNodeFlags(ROOT, 'start');
    const env = serviceNodeEnv(ROOT, 'start');
    expect(flags).toContain('--heap-growing-percent=50');
    expect(env).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072' });
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v} `);
    expect(shebang).toBe(`#!/usr/bin/env -S ${assignments.join('')}node ${flags.join(' ')}`);
    expect(serviceNodeFlags(ROOT, 'worker')).toEqual(flags);
    expect(serviceNodeEnv(ROOT, 'worker')).toEqual(env);
  });

  it("the tradeloop command, run through its shebang, has npm start's environment", () => {
    if (process.platform !== 'linux') return;
    // bin/tradeloop.js's own shebang line on a script that prints the environment it was given.
    const script = "process.stdout.write(require('fs').readFileSync('/proc/self/environ','utf8'))";
    const probe = path.join(dir, 'probe.cjs');
    fs.writeFileSync(probe, `${shebang}\n${script}\n`, { mode: 0o755 });
    const { GLIBC_TUNABLES: _, ...env } = process.env;
    const out = spawnSync(probe, { encoding: 'utf8', env });
    expect(out.status, out.stderr).toBe(0);
    for (const [k, v] of Object.entries(serviceNodeEnv(ROOT)))
      expect(out.stdout.split('\0')).toContain(`${k}=${v}`);
  });

  it('runs the bundle, not the compiled tree', () => {
    expect(fs.readFileSync(path.join(ROOT, 'bin/tradeloop.js'), 'utf8')).toContain(
      "'../dist/bundle/main.js'",
    );
    expect(fs.existsSync(path.join(ROOT, 'dist/bundle/worker.js'))).toBe(true);
  });

  it('serves the API, the OpenAPI page with the package version, and the dashboard', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { info: { version: string } };
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(doc.info.version).toBe(pkg.version);
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">|<script type="module"/);
    const bad = await fetch(`${server.url}/api/v1/traders/0x2`, { headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/decimal digits/);
  });

  it('runs a backtest in the job worker that sits beside the bundle', async () => {
    const res = await fetch(`${server.url}/api/v1/backtests`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        strategy: 'sma-cross',
        params: { fast: 10, slow: 50 },
        venue: 'replay',
        symbol: 'SPX',
        timeframe: '1d',
        from: '2015-01-01',
        to: '2020-12-31',
        feeRate: 0.001,
        initialCapital: 10_000,
      }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };
    let job: { status: string; result?: { metrics?: { totalReturn?: number } } } = { status: 'queued' };
    for (let i = 0; i < 200 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await (await fetch(`${server.url}/api/v1/jobs/${id}`, { headers })).json()) as typeof job;
    }
    expect(job.status).toBe('succeeded');
    expect(typeof job.result?.metrics?.totalReturn).toBe('number');
    // The job's thread stays warm for the next job, at background priority: SCHED_IDLE (policy 5).
    if (process.platform === 'linux') expect(threadPolicies(server.child.pid!)).toContain(SCHED_IDLE);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
