/**
 * Token changes made by any instance or process on this PostgreSQL schema:
 * migration 011's trigger on `users` notifies `tradeloop_auth` with the
 * schema's name, and this LISTENs on a connection of its own. It reports a
 * change whenever it cannot be sure there was none: before it listens, while
 * it is disconnected, and once after each (re)connection (notifications sent
 * meanwhile are lost). It connects on first use, so processes that never
 * authenticate (workers, the CLI) hold no extra connection.
 */
import pg from 'pg';
import { AUTH_CHANNEL } from '../migrations/011-user-tokens.js';

const RECONNECT_DELAY_MS = 1_000;
const CONNECT_TIMEOUT_MS = 5_000;

export class PgAuthListener {
  private client: pg.Client | undefined;
  private listening = false;
  private dirty = true;
  private retryAfter = 0;
  private closed = false;

  constructor(private readonly url: string) {}

  changed(): boolean {
    if (!this.client && !this.closed && Date.now() >= this.retryAfter) this.connect();
    const changed = this.dirty || !this.listening;
    this.dirty = false;
    return changed;
  }

  private connect(): void {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    this.client = client;
    let schema: string | undefined;
    client.on('notification', (n) => {
      if (n.channel === AUTH_CHANNEL && n.payload === schema) this.dirty = true;
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      this.retryAfter = Date.now() + RECONNECT_DELAY_MS;
      client.end().catch(() => {});
    };
    client.on('error', lost);
    client.on('end', lost);
    client
      .connect()
      .then(() => client.query<{ schema: string }>('select current_schema() as schema'))
      .then(async (r) => {
        schema = r.rows[0]?.schema;
        await client.query(`LISTEN ${AUTH_CHANNEL}`);
        if (this.client !== client) return;
        this.listening = true;
        this.dirty = true;
      })
      .catch(lost);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => {});
  }
}
