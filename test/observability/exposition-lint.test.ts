/**
 * Our /metrics families against the exposition rules `promtool check metrics`
 * enforces: HELP and TYPE for every family, the `quantile` label only on
 * summaries, `_total` on counters and only on counters. The rules are checked
 * here always; promtool itself runs too when it is installed (it is not
 * required: CI may not have it). prom-client's default `nodejs_*` families
 * are not ours (three gauges end in `_total`) and are left out.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteTarget } from '../support/databases.js';
import { noteSkip } from '../support/skip-notice.js';
import { observedApp } from './support.js';

type Ctx = Awaited<ReturnType<typeof observedApp>>;

/** The text of the families whose name starts with `prefix`, each with its HELP, TYPE and samples. */
function familiesOf(text: string, prefix: string): string {
  return text
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('# ') ? line.split(' ')[2] : line.split(/[{ ]/)[0];
      return name?.startsWith(prefix);
    })
    .join('\n')
    .concat('\n');
}

/** What promtool's linter would say about `text`, for the rules we hold our families to. */
function lintExposition(text: string): string[] {
  const help = new Set<string>();
  const types = new Map<string, string>();
  const problems: string[] = [];
  const familyOf = (sample: string) => {
    for (const suffix of ['_bucket', '_sum', '_count', '']) {
      const base = suffix && sample.endsWith(suffix) ? sample.slice(0, -suffix.length) : sample;
      if (types.has(base) && (suffix === '' || ['histogram', 'summary'].includes(types.get(base)!)))
        return base;
    }
    return undefined;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) help.add(line.split(' ')[2]!);
    else if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      if (!help.has(name!)) problems.push(`${name}: no HELP`);
      if (type === 'counter' && !name!.endsWith('_total')) problems.push(`${name}: counter without _total`);
      if (type !== 'counter' && name!.endsWith('_total')) problems.push(`${name}: ${type} ending in _total`);
    } else if (line !== '' && !line.startsWith('#')) {
      const name = line.split(/[{ ]/)[0]!;
      const family = familyOf(name);
      if (family === undefined) problems.push(`${name}: sample without TYPE`);
      else if (/[{,]quantile="/.test(line) && types.get(family) !== 'summary')
        problems.push(`${family}: quantile label on a ${types.get(family)}`);
    }
  }
  return [...new Set(problems)];
}

describe('/metrics exposition rules', () => {
  let t: Ctx;
  let ours: string;

  beforeAll(async () => {
    t = await observedApp(sqliteTarget, {}, { realClock: true });
    // Samples in every family: cache loads, upstream calls, a job type, the leases.
    await t.app.inject({ url: '/api/v1/prices?symbols=BTC/USDT', headers: t.alice.headers });
    await t.services.metricsLease.start();
    t.obs.connectJobs(() => ({
      cancelled: 0,
      queued: 1,
      running: 0,
      succeeded: 2,
      failed: 0,
      durations: [{ type: 'backtest', count: 2, sumMs: 300, p50Ms: 100, p99Ms: 200 }],
    }));
    ours = familiesOf((await t.app.inject({ url: '/metrics' })).body, 'tradeloop_');
  });
  afterAll(() => t.close());

  it('covers the families that had problems, with samples', () => {
    for (const name of [
      'tradeloop_event_loop_lag_p99_seconds',
      'tradeloop_cache_load_duration_p99_seconds',
      'tradeloop_job_duration_p99_seconds',
    ])
      expect(ours).toMatch(new RegExp(`^${name}\\{?.* \\S+$`, 'm'));
  });

  it('the linter sees the rules broken (it can fail)', () => {
    expect(
      lintExposition(
        '# HELP a_seconds x\n# TYPE a_seconds gauge\na_seconds{quantile="0.5"} 1\n# TYPE b counter\nb 1\n',
      ),
    ).toEqual(['a_seconds: quantile label on a gauge', 'b: no HELP', 'b: counter without _total']);
  });

  it('our families break none of the rules', () => {
    expect(lintExposition(ours)).toEqual([]);
  });

  const promtool = spawnSync('promtool', ['--version']).status === 0;
  if (!promtool && process.env['CI'] === 'true')
    throw new Error('CI=true but promtool is not installed: `promtool check metrics` must run in CI');
  if (!promtool) noteSkip('[skip] promtool not installed: `promtool check metrics` not run');
  it.skipIf(!promtool)('promtool check metrics finds nothing to say', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: ours, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});
