/** Builds real services on a fresh database for a test, with a manual clock. */
import type { Logger } from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { buildServices, type Services } from '../../src/container.js';
import { ManualClock, systemClock } from '../../src/domain/clock.js';
import type { DatabaseTarget } from './databases.js';

export interface TestContext {
  services: Services;
  clock: ManualClock;
  close(): Promise<void>;
}

export interface TestOptions {
  /** A real clock, for suites that go through the market-data batching window. @default a ManualClock */
  realClock?: boolean;
  /** Where the services log (a pino logger writing to a capture stream). @default silent */
  logger?: Logger;
}

export async function testServices(
  target: DatabaseTarget,
  overrides: Partial<Config> = {},
  opts: TestOptions = {},
): Promise<TestContext> {
  const db = await target.create();
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  // Jobs run in this process unless a suite asks for BullMQ (a Redis URL alone must not start queue workers).
  const config = loadConfig(
    {},
    { databaseUrl: db.url, logLevel: 'silent', jobExecutor: 'embedded', ...overrides },
  );
  const services = await buildServices(config, {
    clock: opts.realClock ? systemClock : clock,
    warming: false,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return {
    services,
    clock,
    async close() {
      await services.close();
      await db.drop();
    },
  };
}

export async function testApp(
  target: DatabaseTarget,
  overrides: Partial<Config> = {},
  opts: TestOptions = {},
) {
  const ctx = await testServices(target, overrides, opts);
  const app = await buildApp(ctx.services);
  const alice = await ctx.services.users.create('alice');
  const bob = await ctx.services.users.create('bob');
  const admin = await ctx.services.users.create('root', { admin: true });
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    ...ctx,
    app,
    alice: { ...alice, headers: auth(alice.token) },
    bob: { ...bob, headers: auth(bob.token) },
    admin: { ...admin, headers: auth(admin.token) },
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}
