/**
 * The signal bot survives a restart: started by an admin, the real server
 * (`tradeloop serve`, a child process on SQLite) is stopped with SIGTERM and
 * started again on the same data, and the bot runs again without anyone
 * asking; stopped, it stays stopped across the next restart. Also on
 * PostgreSQL: the same with DATABASE_URL pointing at a throwaway schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startChildServer } from '../support/child-server.js';
import { databaseTargets } from '../support/databases.js';

const targets = await databaseTargets();

describe.each(targets)('pipeline resumes after a restart on $name', (target) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-resume-'));
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  async function serve(env: Record<string, string>) {
    const s = await startChildServer(env);
    return {
      ...s,
      async stop() {
        s.child.kill('SIGTERM');
        expect((await s.exited).code).toBe(0);
      },
    };
  }

  it('resumes a running bot, and keeps a stopped one stopped', async () => {
    const db = target.name === 'sqlite' ? undefined : await target.create();
    drop = db?.drop;
    const env: Record<string, string> = {
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      ...(db ? { DATABASE_URL: db.url } : {}),
    };
    expect(runCli(['migrate'], env).status).toBe(0);
    const admin = JSON.parse(runCli(['users', 'create', 'root', '--admin'], env).stdout) as { token: string };
    const headers = { authorization: `Bearer ${admin.token}` };
    const status = async (url: string) =>
      (await (await fetch(`${url}/api/v1/pipeline/status`, { headers })).json()) as {
        running: boolean;
        wanted: { running: boolean };
      };

    let server = await serve(env);
    expect(await status(server.url)).toMatchObject({ running: false, wanted: { running: false } });
    const started = await fetch(`${server.url}/api/v1/pipeline/start`, { method: 'POST', headers });
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ running: true, wanted: { running: true } });
    await server.stop();

    server = await serve(env);
    // Resumed by the lease holder when it takes the lease at start-up: no request needed.
    await expect.poll(async () => (await status(server.url)).running, { timeout: 15_000 }).toBe(true);
    const stopped = await fetch(`${server.url}/api/v1/pipeline/stop`, { method: 'POST', headers });
    expect(await stopped.json()).toMatchObject({ running: false, wanted: { running: false } });
    await server.stop();

    server = await serve(env);
    expect(await status(server.url)).toMatchObject({ running: false, wanted: { running: false } });
    await server.stop();
  }, 120_000);
});
