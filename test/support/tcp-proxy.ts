/**
 * A loopback TCP proxy between the service and a real server (PostgreSQL on
 * 127.0.0.1:5432), switched between three states to play a dependency's
 * failures without touching the shared server:
 * - `forward`: bytes flow both ways;
 * - `stopped`: the server is down: the listener is closed (new connections
 *   are refused, ECONNREFUSED) and every open connection is reset;
 * - `frozen`: a network partition: connections are accepted and stay open,
 *   but bytes are held in both directions and nothing answers. Back to
 *   `forward`, the held bytes are delivered, as when a partition heals.
 */
import net from 'node:net';

export type ProxyMode = 'forward' | 'stopped' | 'frozen';

export interface TcpProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  setMode(mode: ProxyMode): Promise<void>;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  close(): Promise<void>;
}

/** One client connection and its upstream, with what is held while frozen. */
class Link {
  private upstream: net.Socket | undefined;
  private readonly toServer: Buffer[] = [];
  private readonly toClient: Buffer[] = [];

  constructor(
    private readonly client: net.Socket,
    private readonly target: { host: string; port: number },
    private readonly mode: () => ProxyMode,
    private readonly closed: (link: Link) => void,
  ) {
    client.on('data', (chunk: Buffer) => {
      if (this.mode() === 'forward' && this.upstream) this.upstream.write(chunk);
      else this.toServer.push(chunk);
    });
    client.on('error', () => this.reset());
    client.on('close', () => this.reset());
    if (this.mode() === 'forward') this.connectUpstream();
  }

  private connectUpstream(): void {
    const up = net.connect(this.target.port, this.target.host);
    this.upstream = up;
    up.on('data', (chunk: Buffer) => {
      if (this.mode() === 'forward') this.client.write(chunk);
      else this.toClient.push(chunk);
    });
    up.on('error', () => this.reset());
    up.on('close', () => this.reset());
    this.flush();
  }

  /** Delivers what was held and opens the upstream a frozen connection never got. */
  resume(): void {
    if (!this.upstream) this.connectUpstream();
    else this.flush();
  }

  private flush(): void {
    for (const chunk of this.toServer.splice(0)) this.upstream?.write(chunk);
    for (const chunk of this.toClient.splice(0)) this.client.write(chunk);
  }

  /** Drops both sides with a TCP reset, as a stopped server's host does. */
  reset(): void {
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (this.upstream && !this.upstream.destroyed) this.upstream.resetAndDestroy();
    this.closed(this);
  }
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  const links = new Set<Link>();
  const server = net.createServer((socket) => {
    links.add(
      new Link(
        socket,
        target,
        () => mode,
        (l) => links.delete(l),
      ),
    );
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const port = await listen(0);

  return {
    port,
    get mode() {
      return mode;
    },
    get connections() {
      return links.size;
    },
    via(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async setMode(next: ProxyMode) {
      if (next === mode) return;
      const was = mode;
      mode = next;
      if (next === 'stopped') {
        const closing = stopListening();
        for (const link of [...links]) link.reset();
        await closing;
        return;
      }
      if (was === 'stopped') await listen(port);
      if (next === 'forward') for (const link of [...links]) link.resume();
    },
    async close() {
      for (const link of [...links]) link.reset();
      if (mode !== 'stopped') await stopListening();
    },
  };
}
