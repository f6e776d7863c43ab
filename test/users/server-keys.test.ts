/**
 * The signal pipeline's keys (EXCHANGE_API_KEY on CCXT_EXCHANGE) are the
 * admins' credentials for that venue: listed masked for admins only, enough
 * for an admin's live follow, opened for the executor; other users still
 * need their own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteTarget } from '../support/databases.js';
import { testApp } from '../support/services.js';

const KEY = 'server-pipeline-key-123456';
const SECRET = 'server-pipeline-secret-654321';

describe('server keys as the admins’ credentials', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-srvkeys-'));
    t = await testApp(sqliteTarget, {
      dataDir,
      exchangeApiKey: KEY,
      exchangeApiSecret: SECRET,
      ccxtExchange: 'bingx',
    });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const list = (headers: Record<string, string>) => t.app.inject({ url: '/api/v1/credentials', headers });

  it('lists them, masked, to admins only', async () => {
    const admin = await list(t.admin.headers);
    expect(admin.json().items).toEqual([
      expect.objectContaining({ venue: 'bingx', keyId: 'serv…3456', permissions: ['server-keys'] }),
    ]);
    expect(admin.body).not.toContain(SECRET);
    expect(admin.body).not.toContain(KEY);
    expect((await list(t.alice.headers)).json().items).toEqual([]);
  });

  it('lets an admin follow live on that venue, and opens them for the executor; not for others', async () => {
    const follow = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/traders',
        headers,
        payload: {
          name: 'x',
          source: 'manual',
          address: 'srv-leader',
          followOptions: { execution: 'live', liveVenue: 'bingx' },
        },
      });
    expect((await follow(t.alice.headers)).statusCode).toBe(400);
    expect((await follow(t.admin.headers)).statusCode).toBe(201);
    const sealed = await t.services.credentials.sealed([t.admin.user.id, t.alice.user.id], 'bingx');
    expect([...sealed.keys()]).toEqual([t.admin.user.id]);
    expect(sealed.get(t.admin.user.id)!.open()).toEqual({ apiKey: KEY, secret: SECRET });
  });
});
