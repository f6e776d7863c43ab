/** A `ws` test client that keeps every message it receives and how it was closed. */
import WebSocket from 'ws';

export type Msg = { type: string } & Record<string, unknown>;

export class Client {
  readonly messages: Msg[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private wake: (() => void) | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Msg);
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      }),
    );
  }

  /** The next message after the previous match that satisfies `pred`. */
  async next(pred: (m: Msg) => boolean = () => true): Promise<Msg> {
    for (;;) {
      const i = this.messages.findIndex((m, k) => k >= this.cursor && pred(m));
      if (i >= 0) {
        this.cursor = i + 1;
        return this.messages[i]!;
      }
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`closed while waiting; got ${JSON.stringify(this.messages.slice(this.cursor))}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  async subscribe(...topics: string[]): Promise<void> {
    this.send({ type: 'subscribe', topics });
    await this.next((m) => m.type === 'subscribed');
  }

  updates(topic?: string): Msg[] {
    return this.messages.filter((m) => m.type === 'update' && (topic === undefined || m.topic === topic));
  }
}
