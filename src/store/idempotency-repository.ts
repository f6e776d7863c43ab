/**
 * The idempotency_keys table. A request claims (user, key) with an insert
 * that the primary key lets only one request win, on either dialect; the
 * winner runs and stores its answer, every later request with the key reads
 * it back. A claim whose request failed is released (deleted), so the retry
 * runs again: a failed request wrote nothing.
 */
import type { Database } from './database.js';
import { prepare } from './prepared.js';

/** What a claim found. */
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'in-flight' }
  | { kind: 'mismatch' }
  | { kind: 'replay'; status: number; body: string; headers: Record<string, string> };

export interface StoredAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export class IdempotencyRepository {
  private readonly insertQ;
  private readonly findQ;
  private readonly dropExpiredQ;
  private readonly completeQ;
  private readonly releaseQ;
  private readonly sweepQ;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.insertQ = prepare(k, (p) =>
      k
        .insertInto('idempotency_keys')
        .values({
          user_id: p('userId'),
          key: p('key'),
          fingerprint: p('fingerprint'),
          state: 'pending',
          response_status: null,
          response_body: null,
          response_headers: null,
          created_at: p('now'),
          expires_at: p('expiresAt'),
        })
        .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing()),
    );
    this.findQ = prepare(k, (p) =>
      k
        .selectFrom('idempotency_keys')
        .select([
          'fingerprint',
          'state',
          'response_status',
          'response_body',
          'response_headers',
          'expires_at',
        ])
        .where('user_id', '=', p('userId'))
        .where('key', '=', p('key')),
    );
    this.dropExpiredQ = prepare(k, (p) =>
      k
        .deleteFrom('idempotency_keys')
        .where('user_id', '=', p('userId'))
        .where('key', '=', p('key'))
        .where('expires_at', '<=', p('now')),
    );
    this.completeQ = prepare(k, (p) =>
      k
        .updateTable('idempotency_keys')
        .set({
          state: 'done',
          response_status: p('status'),
          response_body: p('body'),
          response_headers: p('headers'),
        })
        .where('user_id', '=', p('userId'))
        .where('key', '=', p('key'))
        .where('state', '=', 'pending'),
    );
    this.releaseQ = prepare(k, (p) =>
      k
        .deleteFrom('idempotency_keys')
        .where('user_id', '=', p('userId'))
        .where('key', '=', p('key'))
        .where('state', '=', 'pending'),
    );
    this.sweepQ = prepare(k, (p) => k.deleteFrom('idempotency_keys').where('expires_at', '<=', p('now')));
  }

  /**
   * Claims `key` for `userId`'s request with `fingerprint`, or says what the
   * key already holds: the stored answer, a request still running, or a
   * different request. An expired key is claimed afresh.
   */
  async claim(userId: number, key: string, fingerprint: string, now: number, ttlMs: number): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db.run(
        this.insertQ({ userId, key, fingerprint, now, expiresAt: now + ttlMs }),
      );
      if (inserted > 0) return { kind: 'claimed' };
      const row = await this.db.first(this.findQ({ userId, key }));
      if (!row) continue; // released between the insert and the read: try again
      if (row.expires_at <= now) {
        await this.db.run(this.dropExpiredQ({ userId, key, now }));
        continue;
      }
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.state !== 'done' || row.response_status === null) return { kind: 'in-flight' };
      return {
        kind: 'replay',
        status: row.response_status,
        body: row.response_body ?? '',
        headers: row.response_headers ? (JSON.parse(row.response_headers) as Record<string, string>) : {},
      };
    }
    return { kind: 'in-flight' };
  }

  /** Stores the answer of the request that claimed the key. */
  async complete(userId: number, key: string, answer: StoredAnswer): Promise<void> {
    await this.db.run(
      this.completeQ({
        userId,
        key,
        status: answer.status,
        body: answer.body,
        headers: JSON.stringify(answer.headers),
      }),
    );
  }

  /** Frees a claim whose request failed (nothing was written, so a retry may run). */
  async release(userId: number, key: string): Promise<void> {
    await this.db.run(this.releaseQ({ userId, key }));
  }

  /** Deletes expired keys; returns how many. */
  async sweep(now: number): Promise<number> {
    return this.db.run(this.sweepQ({ now }));
  }
}
