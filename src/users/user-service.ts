/**
 * Users and API tokens. A token is 32 random bytes shown once; only its
 * SHA-256 is stored. Lookups by token are remembered briefly in memory so an
 * authenticated request costs a map lookup, not a query; the memory is dropped
 * whenever the store reports that a token changed anywhere (revoked, rotated,
 * its user deleted), so a revoked token never outlives its revocation.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { AlreadyExistsError } from '../domain/conflict.js';
import { NotFoundError } from '../domain/errors.js';
import type { User } from '../domain/user.js';
import { Problems } from '../domain/validation.js';
import { growingLru } from '../lib/growing-lru.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import type { UserRepository } from '../store/user-repository.js';

const TOKEN_PREFIX = 'tl_';
const TOKEN_SHAPE = /^tl_[A-Za-z0-9_-]{43}$/;

const newToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class UserService {
  private readonly known = growingLru<string, User>(10_000, { ttl: 30_000 });

  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  /** Creates a user and returns its token; the token is not recoverable afterwards. */
  async create(name: string, opts: { admin?: boolean } = {}): Promise<{ user: User; token: string }> {
    const p = new Problems();
    const clean = p.text(name, 'name', {
      max: 100,
      pattern: /^[\p{L}\p{N} _.@-]+$/u,
      patternDoc: 'letters, digits, spaces or _.@-',
    });
    p.throwIfAny('Invalid user');
    const token = newToken();
    try {
      const user = await this.users.create(clean!, hashToken(token), opts.admin ?? false, this.clock.now());
      return { user, token };
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError(`A user named "${clean}" already exists`);
      throw err;
    }
  }

  /** The user `ref` names: a plain id, or a name (case-insensitive). */
  async find(ref: string): Promise<User> {
    const user = /^[1-9][0-9]{0,15}$/.test(ref)
      ? ((await this.users.findById(Number(ref))) ?? (await this.users.findByName(ref)))
      : await this.users.findByName(ref);
    if (!user) throw new NotFoundError(`No user with id or name "${ref}"`);
    return user;
  }

  /**
   * Revokes the user's token: it stops working at once here and, through the
   * store's change notice, on every other instance. `rotate` gives a new one.
   */
  async revoke(ref: string): Promise<User> {
    const user = await this.find(ref);
    // Not a SHA-256 hex digest, so no token can ever hash to it; unique per revocation.
    await this.users.replaceTokenHash(user.id, `revoked:${user.id}:${randomBytes(12).toString('hex')}`);
    this.known.clear();
    return user;
  }

  /** Replaces the user's token with a new one, shown once; the old one stops working at once. */
  async rotate(ref: string): Promise<{ user: User; token: string }> {
    const user = await this.find(ref);
    const token = newToken();
    await this.users.replaceTokenHash(user.id, hashToken(token));
    this.known.clear();
    return { user, token };
  }

  /**
   * The user of a token this process remembers, without hashing or a query;
   * undefined when it must be looked up. Keyed by the token itself (it is in
   * this process's memory for the request anyway).
   */
  remembered(token: string): User | undefined {
    if (this.users.tokensChanged()) this.known.clear();
    return this.known.get(token);
  }

  /** The user a bearer token belongs to, or undefined. */
  async authenticate(token: string): Promise<User | undefined> {
    return this.remembered(token) ?? this.lookUp(token);
  }

  /** Looks a token up in the store (a hash and a query) and remembers its user. */
  async lookUp(token: string): Promise<User | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const user = await this.users.findByTokenHash(hashToken(token));
    if (user) this.known.set(token, user);
    return user;
  }

  count(): Promise<number> {
    return this.users.count();
  }
}
