/**
 * A throwaway redis-server child process on a free port, for suites that
 * take Redis down and bring it back (never the shared server on 6379):
 * `stop()` kills it by its PID, `start()` starts it again on the same port,
 * empty (no persistence). Absent binary: undefined, or an error under CI=true.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { noteSkip } from './skip-notice.js';

export interface RedisServer {
  port: number;
  url: string;
  /** PID of the running server, if any. */
  readonly pid: number | undefined;
  /** Starts it (again) on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** SIGKILLs it by PID and waits for the process to exit. */
  stop(): Promise<void>;
}

export function redisServerAvailable(): boolean {
  const ok = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env['CI'] === 'true')
    throw new Error('CI=true but redis-server is not installed: the Redis outage suites must run in CI');
  if (!ok) noteSkip('[skip] Redis outage suites skipped: redis-server is not installed');
  return ok;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {}); // refused while the server starts: the poll says so
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Starts a throwaway redis-server on a free port. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    url,
    get pid() {
      return child?.pid;
    },
    async start() {
      if (child) return;
      const c = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
        ],
        { stdio: 'ignore' },
      );
      child = c;
      c.once('exit', () => {
        if (child === c) child = undefined;
      });
      const until = Date.now() + 10_000;
      while (!(await answers(url))) {
        if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer in 10 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      const c = child;
      if (!c?.pid) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      process.kill(c.pid, 'SIGKILL');
      await exited;
      child = undefined;
    },
  };
  await server.start();
  return server;
}
