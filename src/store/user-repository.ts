/** Users and their hashed API tokens. */
import { sql } from 'kysely';
import type { User } from '../domain/user.js';
import type { Database } from './database.js';
import { prepare } from './prepared.js';

interface UserRow {
  id: number;
  name: string;
  is_admin: number;
  created_at: number;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  isAdmin: r.is_admin === 1,
  createdAt: r.created_at,
});

export class UserRepository {
  private readonly byTokenHash;
  private readonly byId;
  private readonly insertOne;
  private readonly countAll;
  private readonly byName;
  private readonly setTokenHash;

  constructor(private readonly db: Database) {
    const k = db.kysely;
    const cols = ['id', 'name', 'is_admin', 'created_at'] as const;
    this.byTokenHash = prepare(k, (p) =>
      k.selectFrom('users').select(cols).where('token_hash', '=', p('hash')),
    );
    this.byId = prepare(k, (p) => k.selectFrom('users').select(cols).where('id', '=', p('id')));
    this.insertOne = prepare(k, (p) =>
      k
        .insertInto('users')
        .values({ name: p('name'), token_hash: p('hash'), is_admin: p('admin'), created_at: p('now') })
        .returning(cols),
    );
    this.byName = prepare(k, (p) =>
      k
        .selectFrom('users')
        .select(cols)
        .where(sql`lower(name)`, '=', sql<string>`lower(${p('name')})`),
    );
    this.setTokenHash = prepare(k, (p) =>
      k
        .updateTable('users')
        .set({ token_hash: p('hash') })
        .where('id', '=', p('id')),
    );
    this.countAll = prepare(k, () => k.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')));
  }

  async create(name: string, tokenHash: string, isAdmin: boolean, now: number): Promise<User> {
    const row = await this.db.first(this.insertOne({ name, hash: tokenHash, admin: isAdmin ? 1 : 0, now }));
    return toUser(row!);
  }

  async findByTokenHash(hash: string): Promise<User | undefined> {
    const r = await this.db.first(this.byTokenHash({ hash }));
    return r && toUser(r);
  }

  async findById(id: number): Promise<User | undefined> {
    const r = await this.db.first(this.byId({ id }));
    return r && toUser(r);
  }

  /** The user with this name, compared case-insensitively (names are unique so). */
  async findByName(name: string): Promise<User | undefined> {
    const r = await this.db.first(this.byName({ name }));
    return r && toUser(r);
  }

  /** Replaces the user's token hash; false when there is no such user. */
  async replaceTokenHash(id: number, hash: string): Promise<boolean> {
    return (await this.db.run(this.setTokenHash({ id, hash }))) > 0;
  }

  /** Whether tokens may have changed elsewhere since the last call (see Database.tokensChanged). */
  tokensChanged(): boolean {
    return this.db.tokensChanged();
  }

  async count(): Promise<number> {
    return Number((await this.db.first(this.countAll({})))?.n ?? 0);
  }
}
