/**
 * The port through which a close of a copied position (TP, SL, trailing stop,
 * by hand) reaches the copy trading ledger: in the closing transaction, so the
 * trader's performance and the paper balance can never miss or double an exit.
 */
import type { Position } from '../domain/position.js';
import type { SqlExecutor } from '../store/database.js';

export interface CopyExitHook {
  /** Called inside the closing transaction with the copied positions it closed (`traderId` set). */
  copiesClosed(closed: readonly Position[], tx: SqlExecutor, now: number): Promise<void>;
}

export const noCopyExits: CopyExitHook = { copiesClosed: async () => {} };
