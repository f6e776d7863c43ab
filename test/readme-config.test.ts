/** The README's configuration table names every setting the service reads, and nothing it does not. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settings } from '../src/config/schema.js';
import { ROOT } from './support/child-server.js';

describe('README configuration table', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
  const read = Object.values(settings).map((s) => s.env);

  it('documents every environment variable', () => {
    expect(read.filter((env) => !documented.has(env))).toEqual([]);
  });

  it('documents no variable the service does not read', () => {
    const known = new Set<string>(read);
    expect([...documented].filter((env) => !known.has(env))).toEqual([]);
  });
});
