/**
 * A loopback load balancer for fleet tests: a real HTTP server that sends
 * each request to the next backend in turn, passing method, path, headers
 * and body through and the answer back. A backend that refuses the
 * connection (a killed instance) is skipped for the next one, as a load
 * balancer's health check would; with none left the answer is 502.
 *
 * @example
 * const lb = await RoundRobinProxy.start();
 * lb.backends.push(serverA.url, serverB.url);
 * await fetch(`${lb.url}/telegram/webhook`, { method: 'POST', body }); // A, then B, then A…
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class RoundRobinProxy {
  /** Backend origins, e.g. `http://127.0.0.1:4001`. */
  readonly backends: string[] = [];
  /** The backend each forwarded request went to, in order. */
  readonly routed: string[] = [];
  private next = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<RoundRobinProxy> {
    let self: RoundRobinProxy | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void self!
          .forward(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks))
          .then((answer) => res.writeHead(answer.status, answer.headers).end(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new RoundRobinProxy(server, `http://127.0.0.1:${port}`);
    return self;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async forward(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    for (let tried = 0; tried < this.backends.length; tried++) {
      const backend = this.backends[this.next++ % this.backends.length]!;
      const answer = await send(backend, method, path, headers, body).catch(() => undefined);
      if (answer) {
        this.routed.push(backend);
        return answer;
      }
    }
    return { status: 502, headers: {}, body: Buffer.from('no backend answered') };
  }
}

function send(
  backend: string,
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${backend}${path}`,
      { method, headers: { ...headers, connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
