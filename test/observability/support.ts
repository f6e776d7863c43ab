/**
 * A test app with observability as the composition root wires it (a timed
 * database, the registry and recorders, `/metrics` at the root, the
 * /performance summaries behind auth), and a Prometheus text parser.
 */
import type { Config } from '../../src/config/schema.js';
import type { DatabaseTarget } from '../support/databases.js';
import { type TestOptions, testApp } from '../support/services.js';

export async function observedApp(
  target: DatabaseTarget,
  overrides: Partial<Config> = {},
  opts: TestOptions = {},
) {
  const t = await testApp(target, overrides, opts);
  return {
    ...t,
    /** The services' own observability (what the composition root wires). */
    obs: t.services.observability,
    /** The services' database, behind the timing decorator. */
    db: t.services.db,
  };
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromText {
  types: Map<string, string>;
  samples: PromSample[];
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text exposition (0.0.4): TYPE lines and samples; throws on a malformed line. */
export function parsePromText(text: string): PromText {
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`malformed exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_x, c) => (c === 'n' ? '\n' : c));
    const value =
      m[3] === '+Inf' ? Number.POSITIVE_INFINITY : m[3] === '-Inf' ? Number.NEGATIVE_INFINITY : Number(m[3]);
    if (Number.isNaN(value) && m[3]!.toLowerCase() !== 'nan') throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { types, samples };
}
