/** Table shapes of live copies (migration 012), merged into `DB` by `schema.ts`. */
import type { Generated } from 'kysely';

/** A user's exchange keys for one venue: ciphertext only (AES-256-GCM), never the keys themselves. */
export interface CredentialsTable {
  id: Generated<number>;
  user_id: number;
  venue: string;
  /** The API key masked for display, e.g. `ab12…9f`. */
  key_id: string;
  /** base64url of iv | auth tag | ciphertext. */
  ciphertext: string;
  /** Which encryption key sealed it (a hash prefix, never the key). */
  key_fingerprint: string;
  /** JSON array of permissions found at verification. */
  permissions: string;
  verified_at: number;
  created_at: number;
  updated_at: number;
}

/**
 * A live copy order, written before it is sent: `pending` -> `sending`
 * (claimed by one instance until `claimed_until`) -> `filled`, `open`
 * (accepted, not filled yet), `rejected` or `cancelled`.
 */
export interface LiveCopyOrdersTable {
  id: Generated<number>;
  user_id: number;
  trader_id: number;
  venue: string;
  symbol: string;
  side: string;
  amount: string;
  price_hint: string;
  client_order_id: string;
  source: string;
  source_trade_id: string;
  status: string;
  attempts: Generated<number>;
  claimed_by: string | null;
  claimed_until: number | null;
  venue_order_id: string | null;
  filled: string | null;
  average_price: string | null;
  fee: string | null;
  realized_pnl: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  filled_at: number | null;
}

export interface LiveCopyHoldingsTable {
  trader_id: number;
  venue: string;
  symbol: string;
  quantity: string;
  average_price: string;
}

/** The kill switch: `all` (admin-wide) or `user:<id>`. */
export interface CopyPausesTable {
  scope: string;
  paused_by: number;
  paused_at: number;
}
