/**
 * The CLI's user commands and first-run behaviour: usage without a command,
 * unique names, admin shown, arguments named, a busy port in one line, private
 * files; and token revocation and rotation that take effect at once on a
 * running server (SQLite, one process) and on every instance of a fleet
 * (PostgreSQL), including a user deleted by hand in SQL.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, runCli, startChildServer } from '../support/child-server.js';
import { databaseTargets } from '../support/databases.js';
import { stopChild } from '../support/fleet.js';

const postgres = (await databaseTargets()).find((t) => t.name === 'postgres');

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function status(server: ChildServer, token: string): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/traders`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

/** Polls `probe` until it returns `want`; the last value after `ms` otherwise. */
async function settlesTo<T>(probe: () => Promise<T>, want: T, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let v = await probe();
  while (v !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    v = await probe();
  }
  return v;
}

describe('tradeloop CLI, first run', () => {
  const dir = tempDir('tradeloop-cli-users-');
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent' };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the usage and starts nothing when no command is given', () => {
    const r = runCli([], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: tradeloop <command>/);
    expect(r.stderr).toMatch(/serve\s+start the HTTP API/);
    expect(r.stdout).not.toMatch(/listening/);
  });

  it('says whether a new user is an admin and refuses a name already taken (any case)', () => {
    const a = JSON.parse(runCli(['users', 'create', 'dora', '--admin'], env).stdout);
    expect(a).toMatchObject({ name: 'dora', admin: true });
    const b = JSON.parse(runCli(['users', 'create', 'eve'], env).stdout);
    expect(b).toMatchObject({ name: 'eve', admin: false });
    const dup = runCli(['users', 'create', 'Dora'], env);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/A user named "Dora" already exists/);
    expect(dup.stdout).toBe('');
  });

  it('names the missing argument instead of printing only the usage', () => {
    const backup = runCli(['backup'], env);
    expect(backup.status).toBe(2);
    expect(backup.stderr).toMatch(/backup needs the file to write/);
    expect(runCli(['users', 'revoke'], env).stderr).toMatch(/users revoke needs a user id or name/);
    expect(runCli(['tokens', 'rotate'], env).stderr).toMatch(/tokens rotate needs a user id or name/);
    const unknown = runCli(['users', 'revoke', 'nobody'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/No user with id or name "nobody"/);
  });

  it('creates the data directory 0700 and the database, its WAL and SHM and backups 0600', () => {
    const fresh = path.join(tempDir('tradeloop-modes-'), 'data');
    try {
      expect(runCli(['users', 'create', 'frank'], { ...env, DATA_DIR: fresh }).status).toBe(0);
      const backup = path.join(fresh, 'backups', 'b.db');
      expect(runCli(['backup', backup], { ...env, DATA_DIR: fresh }).status).toBe(0);
      const mode = (f: string) => fs.statSync(f).mode & 0o777;
      expect(mode(fresh)).toBe(0o700);
      expect(mode(path.dirname(backup))).toBe(0o700);
      const dbFiles = fs.readdirSync(fresh).filter((f) => /\.db(-wal|-shm)?$/.test(f));
      expect(dbFiles.length).toBeGreaterThan(0);
      for (const f of [...dbFiles.map((f) => path.join(fresh, f)), backup])
        expect([f, mode(f)]).toEqual([f, 0o600]);
    } finally {
      fs.rmSync(path.dirname(fresh), { recursive: true, force: true });
    }
  });

  it('tightens a data directory an older version made 0755 to 0700', () => {
    const parent = tempDir('tradeloop-old-modes-');
    const old = path.join(parent, 'data');
    try {
      fs.mkdirSync(old, { mode: 0o755 });
      fs.chmodSync(old, 0o755);
      expect(runCli(['migrate'], { ...env, DATA_DIR: old }).status).toBe(0);
      expect(fs.statSync(old).mode & 0o777).toBe(0o700);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  it('prints one line naming the port and PORT when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = runCli(['serve'], { ...env, HOST: '127.0.0.1', PORT: String(port) });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(
        `tradeloop: Port ${port} on 127.0.0.1 is already in use: set PORT to a free port`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('token revocation and rotation on a running server (SQLite)', () => {
  const dir = tempDir('tradeloop-revoke-');
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent' };
  let server: ChildServer;
  afterAll(async () => {
    if (server) await stopChild(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a revoked or rotated token, or a user deleted in SQL, is refused at the very next request', async () => {
    server = await startChildServer({ DATA_DIR: dir });
    const grace = JSON.parse(runCli(['users', 'create', 'grace'], env).stdout);
    const heidi = JSON.parse(runCli(['users', 'create', 'heidi'], env).stdout);
    const ivan = JSON.parse(runCli(['users', 'create', 'ivan'], env).stdout);
    for (const u of [grace, heidi, ivan]) expect(await status(server, u.token)).toBe(200); // now cached

    expect(JSON.parse(runCli(['users', 'revoke', 'grace'], env).stdout)).toEqual({
      id: grace.id,
      name: 'grace',
      revoked: true,
    });
    expect(await status(server, grace.token)).toBe(401);

    const rotated = JSON.parse(runCli(['tokens', 'rotate', String(heidi.id)], env).stdout);
    expect(rotated.token).not.toBe(heidi.token);
    expect(await status(server, heidi.token)).toBe(401);
    expect(await status(server, rotated.token)).toBe(200);

    const file = fs.readdirSync(dir).find((f) => f.endsWith('.db'))!;
    const sql = new BetterSqlite3(path.join(dir, file));
    sql.prepare('delete from users where id = ?').run(ivan.id);
    sql.close();
    expect(await status(server, ivan.token)).toBe(401);
  });

  it('rotating the local user rewrites DATA_DIR/local-token so the next start prints a working token', () => {
    const before = fs.readFileSync(path.join(dir, 'local-token'), 'utf8').trim();
    const rotated = JSON.parse(runCli(['tokens', 'rotate', 'local'], env).stdout);
    const after = fs.readFileSync(path.join(dir, 'local-token'), 'utf8').trim();
    expect(after).toBe(rotated.token);
    expect(after).not.toBe(before);
  });
});

describe.skipIf(!postgres)('token revocation across a fleet of two on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  const servers: ChildServer[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(stopChild));
    await db?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('stops working on both instances as soon as the CLI (or SQL) revokes it', async () => {
    db = await postgres!.create();
    const env = () => {
      const d = tempDir('tradeloop-revoke-pg-');
      dirs.push(d);
      return {
        DATA_DIR: d,
        DATABASE_URL: db.url,
        PRICE_STREAM: 'off',
        COPY_ENGINE: 'off',
        LOG_LEVEL: 'silent',
      };
    };
    const cli = env();
    expect(runCli(['migrate'], cli).status).toBe(0);
    const judy = JSON.parse(runCli(['users', 'create', 'judy'], cli).stdout);
    const kim = JSON.parse(runCli(['users', 'create', 'kim'], cli).stdout);
    servers.push(await startChildServer(env()), await startChildServer(env()));
    for (const s of servers) {
      // A first answer, then a cached one: the token is in each instance's memory.
      expect(await settlesTo(() => status(s, judy.token), 200, 5_000)).toBe(200);
      expect(await status(s, kim.token)).toBe(200);
    }
    expect(runCli(['users', 'revoke', 'judy'], cli).status).toBe(0);
    // The notice travels by LISTEN/NOTIFY: milliseconds, far below the 30 s the cache keeps a token.
    for (const s of servers) expect(await settlesTo(() => status(s, judy.token), 401, 3_000)).toBe(401);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await sql.query('delete from users where id = $1', [kim.id]);
    await sql.end();
    for (const s of servers) expect(await settlesTo(() => status(s, kim.token), 401, 3_000)).toBe(401);
  });
});
