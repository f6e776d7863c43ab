/**
 * Users' sealed exchange keys, one row per (user, venue). The repository
 * never sees a key in the clear: it stores and returns ciphertext, the
 * masked key id and the permissions found when the keys were verified.
 */
import type { Database } from './database.js';
import type { CredentialsTable } from './live-schema.js';
import { compile, prepare } from './prepared.js';

export interface StoredCredential {
  userId: number;
  venue: string;
  keyId: string;
  ciphertext: string;
  keyFingerprint: string;
  permissions: string[];
  verifiedAt: number;
  updatedAt: number;
}

type Row = Pick<CredentialsTable, (typeof COLUMNS)[number]>;

const COLUMNS = [
  'user_id',
  'venue',
  'key_id',
  'ciphertext',
  'key_fingerprint',
  'permissions',
  'verified_at',
  'updated_at',
] as const;

const toCredential = (r: Row): StoredCredential => ({
  userId: Number(r.user_id),
  venue: r.venue,
  keyId: r.key_id,
  ciphertext: r.ciphertext,
  keyFingerprint: r.key_fingerprint,
  permissions: JSON.parse(r.permissions) as string[],
  verifiedAt: Number(r.verified_at),
  updatedAt: Number(r.updated_at),
});

export class CredentialRepository {
  private readonly one;
  private readonly ofUser;
  private readonly remove;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    this.one = prepare(k, (p) =>
      k
        .selectFrom('credentials')
        .select(COLUMNS)
        .where('user_id', '=', p('userId'))
        .where('venue', '=', p('venue')),
    );
    this.ofUser = prepare(k, (p) =>
      k.selectFrom('credentials').select(COLUMNS).where('user_id', '=', p('userId')).orderBy('venue'),
    );
    this.remove = prepare(k, (p) =>
      k.deleteFrom('credentials').where('user_id', '=', p('userId')).where('venue', '=', p('venue')),
    );
  }

  /** Stores or replaces the user's keys for `c.venue`. */
  async save(c: StoredCredential, now: number): Promise<void> {
    const values = {
      user_id: c.userId,
      venue: c.venue,
      key_id: c.keyId,
      ciphertext: c.ciphertext,
      key_fingerprint: c.keyFingerprint,
      permissions: JSON.stringify(c.permissions),
      verified_at: c.verifiedAt,
      created_at: now,
      updated_at: now,
    };
    const { created_at: _, user_id: __, venue: ___, ...update } = values;
    await this.db.run(
      compile(
        this.db.kysely
          .insertInto('credentials')
          .values(values)
          .onConflict((oc) => oc.columns(['user_id', 'venue']).doUpdateSet(update)),
      ),
    );
  }

  async find(userId: number, venue: string): Promise<StoredCredential | undefined> {
    const r = await this.db.first(this.one({ userId, venue }));
    return r && toCredential(r as Row);
  }

  /** These users' keys for `venue`, by user. */
  async findMany(userIds: readonly number[], venue: string): Promise<Map<number, StoredCredential>> {
    const out = new Map<number, StoredCredential>();
    if (userIds.length === 0) return out;
    const q = this.db.kysely
      .selectFrom('credentials')
      .select(COLUMNS)
      .where('user_id', 'in', [...userIds])
      .where('venue', '=', venue);
    for (const r of await this.db.all(compile(q))) out.set(Number(r.user_id), toCredential(r as Row));
    return out;
  }

  async list(userId: number): Promise<StoredCredential[]> {
    return (await this.db.all(this.ofUser({ userId }))).map((r) => toCredential(r as Row));
  }

  /** True when there was something to forget. */
  async delete(userId: number, venue: string): Promise<boolean> {
    return (await this.db.run(this.remove({ userId, venue }))) > 0;
  }
}
