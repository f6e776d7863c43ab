/**
 * The Grafana dashboard shipped in docs/grafana is built on the README's
 * PromQL table and on families the service and the worker really export:
 * a renamed or removed family fails here, not on an operator's screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerMetrics } from '../../src/observability/worker-metrics.js';
import { ROOT } from '../support/child-server.js';
import { sqliteTarget } from '../support/databases.js';
import { testApp } from '../support/services.js';

interface Panel {
  title: string;
  targets: { expr: string }[];
}

const dashboard = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'docs/grafana/tradeloop-dashboard.json'), 'utf8'),
) as {
  uid: string;
  panels: Panel[];
};

/** Families declared (`# TYPE name kind`) in an exposition. */
const families = (text: string): Set<string> =>
  new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));

/** A series name in a query, as its family: histogram series drop `_bucket`, `_count`, `_sum`. */
function familyOf(series: string, known: Set<string>): string {
  if (known.has(series)) return series;
  const base = series.replace(/_(bucket|count|sum)$/, '');
  return known.has(base) ? base : series;
}

describe('grafana dashboard', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let known: Set<string>;
  beforeAll(async () => {
    t = await testApp(sqliteTarget);
    const api = await t.app.inject({ url: '/metrics' });
    expect(api.statusCode).toBe(200);
    known = new Set([...families(api.body), ...families(await createWorkerMetrics().registry.metrics())]);
  });
  afterAll(() => t?.close());

  it('queries only families the service or the worker exports', () => {
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const p of dashboard.panels) {
      for (const { expr } of p.targets) {
        const series = [...expr.matchAll(/\btradeloop_[a-z0-9_]+/g)].map((m) => m[0]);
        expect(series.length, p.title).toBeGreaterThan(0);
        for (const s of series) expect(known.has(familyOf(s, known)), `${p.title}: ${s}`).toBe(true);
      }
    }
  });

  it("matches the README's PromQL table, panel for panel", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('PromQL for the main panels'));
    const rows = [...table.matchAll(/^\| ([^|]+?) \| `([^`]+)` \|$/gm)].map((m) => ({
      title: m[1],
      expr: m[2],
    }));
    expect(dashboard.panels.map((p) => ({ title: p.title, expr: p.targets[0]!.expr }))).toEqual(
      rows.slice(0, dashboard.panels.length),
    );
    expect(rows.length).toBe(dashboard.panels.length);
  });
});
