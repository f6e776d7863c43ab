/**
 * The outbox of position closes (`position_events`). A close writes its event
 * in the same transaction (one per position, by constraint); notifiers take
 * each pending event under a lease, and mark it delivered or give it back.
 */
import type { Decimal } from '../domain/decimal.js';
import type { CloseReason, PositionSide } from '../domain/position.js';
import { canonicalAmount } from './amounts.js';
import type { Database, SqlExecutor } from './database.js';
import { prepare } from './prepared.js';

/** A position close waiting to be told to the user's notifiers. */
export interface PositionEvent {
  id: number;
  userId: number;
  positionId: number;
  kind: CloseReason;
  price: Decimal;
  realizedPnl: Decimal;
  createdAt: number;
  /** Delivery attempts so far, this one included once claimed. */
  attempts: number;
  symbol: string;
  side: PositionSide;
  outcome: string | null;
  size: Decimal;
}

const LEASE_MS = 30_000;

export class PositionEventRepository {
  private readonly insertQ;
  private readonly pendingQ;
  private readonly claimQ;
  private readonly deliveredQ;
  private readonly releaseQ;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.insertQ = prepare(k, (p) =>
      k.insertInto('position_events').values({
        user_id: p('userId'),
        position_id: p('positionId'),
        kind: p('kind'),
        price: p('price'),
        realized_pnl: p('pnl'),
        created_at: p('now'),
      }),
    );
    this.pendingQ = prepare(k, (p) =>
      k
        .selectFrom('position_events as e')
        .innerJoin('positions as p', 'p.id', 'e.position_id')
        .select([
          'e.id',
          'e.user_id',
          'e.position_id',
          'e.kind',
          'e.price',
          'e.realized_pnl',
          'e.created_at',
          'e.attempts',
          'p.symbol',
          'p.side',
          'p.outcome',
          'p.size',
        ])
        .where('e.delivered_at', 'is', null)
        .where((eb) => eb.or([eb('e.claimed_until', 'is', null), eb('e.claimed_until', '<', p('now'))]))
        .orderBy('e.id')
        .limit(p('limit')),
    );
    this.claimQ = prepare(k, (p) =>
      k
        .updateTable('position_events')
        .set((eb) => ({ claimed_until: p('until'), attempts: eb('attempts', '+', 1) }))
        .where('id', '=', p('id'))
        .where('delivered_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', p('now'))])),
    );
    this.deliveredQ = prepare(k, (p) =>
      k
        .updateTable('position_events')
        .set({ delivered_at: p('now') })
        .where('id', '=', p('id')),
    );
    this.releaseQ = prepare(k, (p) =>
      k
        .updateTable('position_events')
        .set({ claimed_until: p('retryAt') })
        .where('id', '=', p('id')),
    );
  }

  /** Records a close, in the transaction that made it. */
  async record(
    e: { userId: number; positionId: number; kind: CloseReason; price: Decimal; pnl: Decimal; now: number },
    tx: SqlExecutor,
  ): Promise<void> {
    await tx.run(this.insertQ(e));
  }

  /** Undelivered events whose lease is free, oldest first. */
  async pending(now: number, limit: number): Promise<PositionEvent[]> {
    const rows = await this.db.all(this.pendingQ({ now, limit }));
    return rows.map((r) => ({
      id: Number(r.id),
      userId: Number(r.user_id),
      positionId: Number(r.position_id),
      kind: r.kind as CloseReason,
      price: canonicalAmount(r.price),
      realizedPnl: canonicalAmount(r.realized_pnl),
      createdAt: Number(r.created_at),
      attempts: Number(r.attempts),
      symbol: r.symbol,
      side: r.side as PositionSide,
      outcome: r.outcome,
      size: canonicalAmount(r.size),
    }));
  }

  /** Takes the delivery lease of an event; false when another instance holds it or it was delivered. */
  async claim(id: number, now: number): Promise<boolean> {
    return (await this.db.run(this.claimQ({ id, now, until: now + LEASE_MS }))) === 1;
  }

  async delivered(id: number, now: number): Promise<void> {
    await this.db.run(this.deliveredQ({ id, now }));
  }

  /** Gives a claimed event back, to be retried at `retryAt`. */
  async release(id: number, retryAt: number): Promise<void> {
    await this.db.run(this.releaseQ({ id, retryAt }));
  }
}
