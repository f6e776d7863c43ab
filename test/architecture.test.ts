/**
 * The dependency rule: which source folder may import which (type imports
 * included). Folders form layers — domain and lib at the bottom, the store and
 * the venues above them, services above those, api and the composition root
 * (src/*.ts: main, container, app) on top — so no folder-level cycle can form,
 * and the pure engine stays pure. A new arrow is a design decision: add it
 * here, and to docs/ARCHITECTURE.md, on purpose.
 */
import madge from 'madge';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/child-server.js';

const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  lib: ['domain'],
  engine: ['domain'],
  config: ['domain'],
  cache: ['domain'],
  store: ['domain'],
  venues: ['domain', 'lib'],
  users: ['domain', 'lib', 'store'],
  research: ['copytrading', 'domain', 'engine', 'lib', 'venues'],
  marketdata: ['cache', 'domain', 'lib', 'venues'],
  jobs: ['cache', 'config', 'domain', 'lib', 'research', 'store', 'venues'],
  positions: ['cache', 'domain', 'lib', 'marketdata', 'store', 'updates', 'venues'],
  updates: ['domain'],
  fleet: ['cache', 'domain', 'positions', 'store', 'updates'],
  copytrading: ['cache', 'config', 'domain', 'lib', 'marketdata', 'positions', 'store', 'updates', 'venues'],
  pipeline: ['cache', 'config', 'domain', 'engine', 'lib', 'marketdata', 'store', 'venues'],
  observability: ['cache', 'copytrading', 'domain', 'lib', 'marketdata', 'store'],
  telegram: [
    'config',
    'copytrading',
    'domain',
    'fleet',
    'marketdata',
    'observability',
    'positions',
    'store',
    'venues',
  ],
  api: [
    'cache',
    'config',
    'copytrading',
    'domain',
    'engine',
    'jobs',
    'lib',
    'marketdata',
    'observability',
    'positions',
    'pipeline',
    'store',
    'telegram',
    'updates',
    'users',
    'venues',
  ],
  cli: ['(root)', 'config', 'domain', 'jobs', 'observability', 'store', 'users'],
};

const folderOf = (file: string): string => (file.includes('/') ? file.split('/')[0]! : '(root)');
const isProductionSource = (file: string): boolean => !file.endsWith('.test.ts') && !file.startsWith('..');

describe('the dependency rule', async () => {
  const graph = (
    await madge(`${ROOT}/src`, {
      fileExtensions: ['ts'],
      tsConfig: `${ROOT}/tsconfig.json`,
    })
  ).obj();
  const arrows: string[] = [];
  for (const [file, imports] of Object.entries(graph)) {
    if (!isProductionSource(file)) continue;
    for (const target of imports) {
      if (!isProductionSource(target)) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from !== to) arrows.push(`${from} -> ${to}  (${file} imports ${target})`);
    }
  }

  it('reads the import graph (a rule over no arrows would hold vacuously)', () => {
    expect(arrows.length).toBeGreaterThan(200);
  });

  it('knows every folder of src/', () => {
    const folders = new Set(Object.keys(graph).filter(isProductionSource).map(folderOf));
    folders.delete('(root)');
    expect([...folders].filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('has only the allowed arrows between folders (the composition root may import anything)', () => {
    const forbidden = arrows.filter((a) => {
      const [from, to] = a.split('  ')[0]!.split(' -> ') as [string, string];
      return from !== '(root)' && !(ALLOWED[from] ?? []).includes(to);
    });
    expect(forbidden).toEqual([]);
  });

  it('is acyclic between folders', () => {
    // Every allowed list points only downwards: no folder reaches back to itself.
    const reaches = (from: string, seen = new Set<string>()): Set<string> => {
      for (const to of ALLOWED[from] ?? []) {
        if (seen.has(to)) continue;
        seen.add(to);
        reaches(to, seen);
      }
      return seen;
    };
    expect(Object.keys(ALLOWED).filter((f) => reaches(f).has(f))).toEqual([]);
  });
});
