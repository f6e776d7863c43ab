/**
 * WebSocket clients for the stream benchmarks, run in a forked child process
 * (ws-clients-child.ts) so that receiving and parsing never share an event
 * loop with the server being measured. The parent drives the phases:
 * connect, then start / stop around each measured window.
 */
import { type ChildProcess, fork } from 'node:child_process';

export interface ClientSpec {
  token: string;
  topics: string[];
}

export type ToChild =
  | { type: 'connect'; url: string; clients: ClientSpec[]; concurrency: number }
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'exit' };

export interface ClientsReport {
  /** Push latencies in ms (receive wall time minus the update's `ts`), one per update received. */
  samples: number[];
  received: number;
  minPerClient: number;
  maxPerClient: number;
  /** Connections closed during a window or with a code other than 1000. */
  unexpectedCloses: number;
  closeReasons: string[];
}

type FromChild =
  | { type: 'connected'; count: number }
  | { type: 'failed'; error: string }
  | { type: 'started' }
  | { type: 'report'; report: ClientsReport };

/** The client process; every call waits for the child's answer, bounded by `timeoutMs`. */
export class WsClients {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor() {
    this.child = fork(new URL('./ws-clients-child.ts', import.meta.url), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  static async connect(url: string, clients: ClientSpec[], concurrency = 50): Promise<WsClients> {
    const c = new WsClients();
    try {
      const m = await c.ask({ type: 'connect', url, clients, concurrency }, 120_000);
      if (m.type === 'failed') throw new Error(`clients failed to connect: ${m.error}`);
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  async start(): Promise<void> {
    await this.ask({ type: 'start' });
  }

  async stop(): Promise<ClientsReport> {
    const m = await this.ask({ type: 'stop' });
    if (m.type !== 'report') throw new Error(`expected a report, got ${m.type}`);
    return m.report;
  }

  /** Asks the child to close its sockets and exit; kills it if it has not within 5 s. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'exit' } satisfies ToChild);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  private ask(m: ToChild, timeoutMs = 30_000): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`ws clients did not answer ${m.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (answer: FromChild) => {
        cleanup();
        resolve(answer);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`ws clients exited (${code}) before answering ${m.type}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.once('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(m);
    });
  }
}
