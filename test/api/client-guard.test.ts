/**
 * What a client gets before it costs anything, over real HTTP on loopback:
 * failed token lookups limited per address (429 before any lookup; remembered
 * tokens never charged), connections capped per address, slow and idle
 * sockets closed, `nosniff` on every answer, and the operator reports
 * (/performance/system, /database, /indexes) for admins only.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sqliteTarget } from '../support/databases.js';
import { testApp } from '../support/services.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;

async function listen(t: Ctx): Promise<{ url: string; port: number }> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (t.app.server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port };
}

/** A raw socket; resolves `closed` when the server closes it (with what it sent, if anything). */
function rawSocket(port: number): Promise<{ socket: net.Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => {
      received += d.toString();
    });
    const closed = new Promise<string>((r) => socket.once('close', () => r(received)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

describe('failed token lookups, limited per client address', () => {
  let t: Ctx;
  let url: string;
  beforeAll(async () => {
    t = await testApp(sqliteTarget, { authFailuresPerMinute: 5 });
    ({ url } = await listen(t));
  });
  afterAll(() => t.close());

  const traders = (authorization?: string) =>
    fetch(`${url}/api/v1/traders`, { headers: authorization ? { authorization } : {} });

  it('answers 401 up to the limit, then 429 with Retry-After before looking anything up', async () => {
    expect((await traders(t.bob.headers.authorization)).status).toBe(200); // bob's token is now remembered
    const unknown = `Bearer tl_${'x'.repeat(43)}`;
    for (const auth of [undefined, 'Basic abc', unknown, unknown, unknown]) {
      const r = await traders(auth);
      expect(r.status).toBe(401);
    }
    const limited = await traders(unknown);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: unknown }).error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/Too many requests without a valid token from 127\.0\.0\.1/),
    });
    // The gate is before the lookup: alice's valid but never-seen token waits too...
    expect((await traders(t.alice.headers.authorization)).status).toBe(429);
    // ...while a remembered token costs no lookup and is never charged.
    expect((await traders(t.bob.headers.authorization)).status).toBe(200);
  });

  it('limits WebSocket authentication from the same address alike', async () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/stream`);
    const closed = new Promise<string>((resolve) =>
      ws.once('close', (_code, reason) => resolve(String(reason))),
    );
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token: `tl_${'y'.repeat(43)}` })));
    expect(await closed).toMatch(/Too many requests without a valid token/);
  });

  it('gives attempts back as time passes, and successful lookups cost nothing', async () => {
    t.clock.advance(60_000);
    for (let i = 0; i < 10; i++) expect((await traders(t.alice.headers.authorization)).status).toBe(200);
    expect((await traders(`Bearer tl_${'z'.repeat(43)}`)).status).toBe(401);
  });
});

describe('connections and timeouts', () => {
  let t: Ctx;
  let port: number;
  let url: string;
  beforeAll(async () => {
    t = await testApp(sqliteTarget, {
      maxConnectionsPerAddress: 3,
      httpHeadersTimeoutMs: 1_000,
      httpIdleTimeoutMs: 1_500,
    });
    ({ url, port } = await listen(t));
  });
  afterAll(() => t.close());

  it('closes connections beyond the cap per address, and accepts again once one closes', async () => {
    const held = await Promise.all([rawSocket(port), rawSocket(port), rawSocket(port)]);
    const extra = await rawSocket(port);
    expect(await extra.closed).toBe(''); // closed by the server without an answer
    held[0]!.socket.destroy();
    await held[0]!.closed;
    const again = await rawSocket(port);
    again.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(await again.closed).toMatch(/^HTTP\/1\.1 200/);
    for (const h of held.slice(1)) h.socket.destroy();
  });

  it('closes a client that is slow to send its headers, and an idle one', async () => {
    const slow = await rawSocket(port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // never finishes the headers
    expect(await slow.closed).toMatch(/^$|^HTTP\/1\.1 408 /); // closed, with a 408 or without a word
    const idle = await rawSocket(port); // sends nothing at all
    expect(await idle.closed).toMatch(/^$|^HTTP\/1\.1 408 /);
  });

  it('keeps an idle WebSocket open past the idle timeout (its own heartbeat closes dead ones)', async () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/stream`, { headers: t.alice.headers });
    await new Promise((r) => ws.once('message', r)); // ready
    await new Promise((r) => setTimeout(r, 2_500));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});

describe('headers and operator reports', () => {
  let t: Ctx;
  beforeAll(async () => {
    t = await testApp(sqliteTarget);
  });
  afterAll(() => t.close());

  it('sends X-Content-Type-Options: nosniff on every answer, errors included', async () => {
    for (const [url, headers] of [
      ['/healthz', {}],
      ['/metrics', {}],
      ['/openapi.json', {}],
      ['/api/v1/traders', t.alice.headers],
      ['/api/v1/traders', {}],
      ['/api/v1/nope', t.alice.headers],
      ['/api/v1/traders/abc', t.alice.headers],
    ] as const) {
      const r = await t.app.inject({ url, headers });
      expect([url, r.headers['x-content-type-options']]).toEqual([url, 'nosniff']);
    }
  });

  it('shows /performance/system, /database and /indexes to admins only', async () => {
    for (const route of ['system', 'database', 'indexes']) {
      const url = `/api/v1/performance/${route}`;
      const user = await t.app.inject({ url, headers: t.alice.headers });
      expect([url, user.statusCode, user.json().error.code]).toEqual([url, 403, 'FORBIDDEN']);
      expect((await t.app.inject({ url, headers: t.admin.headers })).statusCode).toBe(200);
    }
  });
});
