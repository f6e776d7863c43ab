/**
 * Users and API tokens. A token is 32 random bytes shown once; only its
 * SHA-256 is stored. Lookups by token are remembered briefly in memory so an
 * authenticated request costs a hash and a map lookup, not a query.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../domain/clock.js';
import { Problems } from '../domain/validation.js';
import type { User, UserRepository } from '../store/user-repository.js';

const TOKEN_PREFIX = 'tl_';
const TOKEN_SHAPE = /^tl_[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class UserService {
  private readonly known = new LRUCache<string, User>({ max: 10_000, ttl: 30_000 });

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
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const user = await this.users.create(clean!, hashToken(token), opts.admin ?? false, this.clock.now());
    return { user, token };
  }

  /** The user a bearer token belongs to, or undefined. */
  async authenticate(token: string): Promise<User | undefined> {
    // Keyed by the token itself (it is in this process's memory for the request anyway),
    // so a known token costs one map lookup, not a hash.
    const cached = this.known.get(token);
    if (cached) return cached;
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const user = await this.users.findByTokenHash(hashToken(token));
    if (user) this.known.set(token, user);
    return user;
  }

  count(): Promise<number> {
    return this.users.count();
  }
}
