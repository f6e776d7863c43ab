/**
 * Exits of copied positions that the copy engine did not make itself (TP,
 * SL, trailing stop, a close by hand): inside the closing transaction, each
 * becomes a filled sell order of its trader (so the trader's performance
 * counts it) and pays its proceeds less the fee back into the paper account.
 */
import { copyFee } from '../domain/copy.js';
import { type Decimal, type Exact, exact, formatExact, parseExact } from '../domain/decimal.js';
import type { Position } from '../domain/position.js';
import type { CopyExitHook } from '../positions/copy-exits.js';
import type { SqlExecutor } from '../store/database.js';
import { type OrderRepository, orderInsertValues } from '../store/order-repository.js';
import type { PaperAccountRepository } from '../store/paper-account-repository.js';
import type { TradingPairRepository } from '../store/trading-pair-repository.js';
import type { FillLedger, UserFill } from './fill-ledger.js';

export interface CopyExitLedgerDeps {
  orders: OrderRepository;
  pairs: TradingPairRepository;
  fills: FillLedger;
  accounts: PaperAccountRepository;
  feeRate: Exact;
}

/** The order pair of a position: the spot pair, or `<market>:<outcome>/USDC`. */
export const positionPair = (p: Position): string =>
  p.outcome === null ? p.symbol : `${p.symbol}:${p.outcome}/USDC`;

export class CopyExitLedger implements CopyExitHook {
  constructor(private readonly d: CopyExitLedgerDeps) {}

  exitFee(size: Decimal, price: Decimal): Decimal {
    return formatExact(copyFee(exact.mul(parseExact(size), parseExact(price)), this.d.feeRate));
  }

  async copiesClosed(closed: readonly Position[], tx: SqlExecutor, now: number): Promise<void> {
    const copies = closed.filter((p) => p.traderId !== null && p.closePrice !== null);
    if (copies.length === 0) return;
    const pairIds = await this.d.pairs.ensure(new Set(copies.map(positionPair)), tx, now);
    const fills: UserFill[] = [];
    const rows: unknown[][] = [];
    for (const p of copies) {
      const gross = exact.mul(parseExact(p.size), parseExact(p.closePrice!));
      const fee = formatExact(copyFee(gross, this.d.feeRate));
      const pairId = pairIds.get(positionPair(p))!;
      rows.push(
        orderInsertValues(
          p.userId,
          pairId,
          {
            traderId: p.traderId,
            pair: positionPair(p),
            clientOrderId: `exit:${p.id}`,
            side: 'sell',
            type: 'market',
            price: null,
            quantity: p.size,
            filledQuantity: p.size,
            averagePrice: p.closePrice,
            status: 'filled',
            fee,
            createdAt: null,
          },
          now,
        ),
      );
      fills.push({
        userId: p.userId,
        traderId: p.traderId,
        pairId,
        side: 'sell',
        quantity: p.size,
        price: p.closePrice!,
        fee,
        at: now,
      });
      await this.d.accounts.credit(
        p.userId,
        p.venue,
        formatExact(exact.sub(gross, parseExact(fee))),
        now,
        tx,
      );
    }
    await this.d.orders.insertMany(rows, tx);
    await this.d.fills.applyAll(fills, tx, now);
  }
}
