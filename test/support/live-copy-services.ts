/**
 * Copy-engine suites' services: real services whose simulated leaders are a
 * scripted source (`scriptedCopyServices`), and a live-copy end-to-end
 * suite's (`liveCopyServices`): a fresh database of `target`, a data
 * directory, the copy engine and live executor started; `overrides` adds the
 * venue's settings (its loopback origin, its order timeout).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { buildServices, type Services } from '../../src/container.js';
import { systemClock } from '../../src/domain/clock.js';
import type { DatabaseTarget } from './databases.js';
import { ScriptedLeaderSource } from './scripted-leader-source.js';

export interface LiveCopyServices {
  s: Services;
  source: ScriptedLeaderSource;
  /** Stops the services, drops the database and removes the data directory. */
  close(): Promise<void>;
}

/** Real services on `url` (as services.ts builds them) watching `source` instead of the simulated leaders. */
export async function scriptedCopyServices(
  url: string,
  source: ScriptedLeaderSource,
  overrides: Partial<Config> = {},
): Promise<Services> {
  const config = loadConfig(
    {},
    {
      databaseUrl: url,
      logLevel: 'silent',
      jobExecutor: 'embedded',
      simLeaders: 0,
      copyMaxLagMs: 60_000,
      copyLeaseMs: 1000,
      ...overrides,
    },
  );
  return buildServices(config, {
    clock: systemClock,
    warming: false,
    leaderSources: new Map([['simulated', source]]),
  });
}

export async function liveCopyServices(
  target: DatabaseTarget,
  overrides: Partial<Config>,
  /** Runs after the services are built, before the engine and executor start (users, keys). */
  prepare: (s: Services) => Promise<void> = async () => {},
): Promise<LiveCopyServices> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-live-copy-'));
  const db = await target.create();
  const source = new ScriptedLeaderSource(Math.random, { maxPageSize: 10 });
  const s = await scriptedCopyServices(db.url, source, { dataDir, ...overrides });
  await prepare(s);
  await s.copy.engine!.start();
  await s.live.start();
  return {
    s,
    source,
    async close() {
      await s.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
