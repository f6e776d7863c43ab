/**
 * Token changes made by other connections to the same SQLite file (the
 * `tradeloop users revoke` command, a user deleted by hand): `PRAGMA
 * data_version` on our writer changes only when another connection commits,
 * and then the `auth_generation` counter (bumped by triggers on `users`, see
 * migration 011) tells whether that commit touched a token. Changes made
 * through this connection are not reported: whoever makes them in this
 * process drops its own cache.
 *
 * The pragma opens a read transaction on the WAL (shared-memory locks): ~2
 * us alone, more under load, on every authenticated request. It is read once
 * per event-loop turn: every request handled in a turn was read from its
 * socket in that turn's poll, before the turn's first check, so a request
 * sent after another process committed a revocation arrives in a later turn
 * and is checked again: still refused at the very next request.
 */
import type BetterSqlite3 from 'better-sqlite3';

export class SqliteAuthWatch {
  private readonly dataVersion: BetterSqlite3.Statement;
  private generation: BetterSqlite3.Statement | undefined;
  private lastVersion: unknown;
  private lastGeneration: unknown;
  private checkedThisTurn = false;
  private readonly nextTurn = () => {
    this.checkedThisTurn = false;
  };

  constructor(private readonly conn: BetterSqlite3.Database) {
    this.dataVersion = conn.prepare('PRAGMA data_version').pluck();
  }

  changed(): boolean {
    if (this.checkedThisTurn) return false;
    this.checkedThisTurn = true;
    setImmediate(this.nextTurn);
    const version = this.dataVersion.get();
    if (version === this.lastVersion) return false;
    this.lastVersion = version;
    const generation = this.readGeneration();
    if (generation === this.lastGeneration) return false;
    this.lastGeneration = generation;
    return true;
  }

  /** The counter, or undefined before migration 011 created it. */
  private readGeneration(): unknown {
    try {
      this.generation ??= this.conn.prepare('select value from auth_generation').pluck();
      return this.generation.get();
    } catch {
      return undefined;
    }
  }
}
