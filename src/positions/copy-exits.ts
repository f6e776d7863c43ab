/**
 * The port through which a close of a copied position (TP, SL, trailing stop,
 * by hand) reaches the copy trading ledger: in the closing transaction, so the
 * trader's performance and the paper balance can never miss or double an exit.
 */
import { DECIMAL_ZERO, type Decimal, dec } from '../domain/decimal.js';
import type { Position } from '../domain/position.js';
import type { SqlExecutor } from '../store/database.js';

export interface CopyExitHook {
  /**
   * The fee the paper account pays to sell `size` at `price`: the closing
   * code adds it to the position's `fees` in the close itself, and
   * `copiesClosed` charges exactly it.
   */
  exitFee(size: Decimal, price: Decimal): Decimal;
  /** Called inside the closing transaction with the copied positions it closed (`traderId` set). */
  copiesClosed(closed: readonly Position[], tx: SqlExecutor, now: number): Promise<void>;
}

export const noCopyExits: CopyExitHook = { exitFee: () => DECIMAL_ZERO, copiesClosed: async () => {} };

/** The fees a position has paid once it is closed at `price`: a copy's exit fee added, by `exits`. */
export function feesAfterExit(p: Position, price: Decimal, exits: CopyExitHook | undefined): Decimal {
  if (p.traderId === null || exits === undefined) return p.fees;
  const fee = exits.exitFee(p.size, price);
  return dec.isZero(fee) ? p.fees : dec.add(p.fees, fee);
}
