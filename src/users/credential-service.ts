/**
 * Users' exchange keys: checked against the venue before they are kept
 * (a balance read, and the key's permissions where the venue tells them),
 * sealed at rest, listed only as a masked key id, forgotten on request, and
 * opened only for the live copy executor. No key ever leaves this module in
 * an answer, an error message or a log line: errors from the venue are
 * rebuilt without their cause and with every submitted value redacted.
 */
import type { Clock } from '../domain/clock.js';
import { type AppError, NotFoundError, UnavailableError, ValidationError } from '../domain/errors.js';
import { Problems } from '../domain/validation.js';
import { withDeadline } from '../lib/deadline.js';
import type { CredentialRepository, StoredCredential } from '../store/credential-repository.js';
import type { SecretBox } from './secret-box.js';

/** A user's keys for one venue, in the clear (only in memory, only on the order path). */
export interface VenueKeys {
  apiKey?: string;
  secret?: string;
  password?: string;
  /** A wallet's private key (Hyperliquid: the account's, or an API wallet's it approved). */
  privateKey?: string;
  /** The account a wallet's private key trades for (Hyperliquid). */
  walletAddress?: string;
}

export type CredentialField = keyof VenueKeys;

/** What a venue said about a key set. */
export interface KeyCheck {
  /** Permission names, e.g. `read`, `spot-trade`, `trade`, `withdraw`; `unknown` when the venue does not tell. */
  permissions: string[];
  /** True when the key may withdraw funds. */
  withdraw: boolean;
}

/** A field a venue's keys need, and the form the venue fixes for it, if any. */
export interface KeyField {
  name: CredentialField;
  pattern?: RegExp;
  /** The form in words, for the error message. */
  form?: string;
}

/**
 * The venue side of a check, implemented in `venues/` and wired by the
 * container. `verify` throws ValidationError with the venue's reason when the
 * keys are wrong, UnavailableError when the venue cannot answer.
 */
export interface KeyVerifier {
  /** The fields keys for `venue` are made of; or why keys cannot be kept for it (not a venue this server trades on). */
  keyFields(
    venue: string,
  ): { fields: KeyField[] } | { problem: string } | Promise<{ fields: KeyField[] } | { problem: string }>;
  verify(venue: string, keys: VenueKeys): Promise<KeyCheck>;
}

/** A stored credential as the API shows it. */
export interface CredentialView {
  venue: string;
  keyId: string;
  verifiedAt: number;
  permissions: string[];
}

const FIELDS: readonly CredentialField[] = ['apiKey', 'secret', 'password', 'privateKey', 'walletAddress'];
/** Fields whose values are secret (a wallet address is public). */
const SECRET_FIELDS: readonly CredentialField[] = ['apiKey', 'secret', 'password', 'privateKey'];
const KEY_TEXT = /^[\x21-\x7e]+$/;

/** `abcd…wxyz`: enough to tell two keys apart, not enough to use one. */
export function maskKey(apiKey: string): string {
  return apiKey.length >= 12 ? `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}` : `…${apiKey.slice(-2)}`;
}

/**
 * The body's keys: exactly the fields `venue` uses, each a printable string
 * in the venue's form; other fields are refused. Values are never echoed.
 */
export function parseVenueKeys(body: unknown, venue: string, fields: readonly KeyField[]): VenueKeys {
  const p = new Problems();
  const input = (body ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) p.add('body', 'must be an object');
  const used = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(input)) {
    if (!(FIELDS as readonly string[]).includes(k)) p.add(`body.${k}`, 'is not a credential field');
    else if (!used.has(k as CredentialField))
      p.add(`body.${k}`, `is not used by ${venue} (its keys are ${[...used].join(' and ')})`);
  }
  const out: VenueKeys = {};
  for (const f of fields) {
    const v = input[f.name];
    if (typeof v !== 'string' || v.length === 0) p.add(`body.${f.name}`, 'must be a non-empty string');
    else if (v.length > 512) p.add(`body.${f.name}`, 'must be at most 512 characters');
    else if (!KEY_TEXT.test(v)) p.add(`body.${f.name}`, 'must be printable ASCII without spaces');
    else if (f.pattern && !f.pattern.test(v))
      p.add(`body.${f.name}`, `must be ${f.form ?? 'in the venue’s form'}`);
    else out[f.name] = v;
  }
  p.throwIfAny('Invalid credentials');
  return out;
}

/** `message` with every submitted secret replaced, so a venue quoting a key does not make us echo it. */
function redact(message: string, keys: VenueKeys): string {
  let m = message;
  for (const k of SECRET_FIELDS) {
    const v = keys[k];
    if (v && v.length >= 4) m = m.split(v).join('[redacted]');
  }
  return m.slice(0, 300);
}

export interface CredentialServiceOptions {
  repo: CredentialRepository;
  box: SecretBox;
  verifier: KeyVerifier;
  clock: Clock;
  /** ALLOW_WITHDRAW_KEYS. */
  allowWithdraw: boolean;
  /** Longest a check may take before the answer is 503. @default 15000 */
  verifyTimeoutMs?: number;
  /**
   * The signal pipeline's keys (EXCHANGE_API_KEY on CCXT_EXCHANGE): the
   * admins' credentials for that venue unless an admin stored their own.
   */
  serverKeys?: { venue: string; keys: VenueKeys; since: number };
  /** Which of these users are admins. */
  admins?(userIds: readonly number[]): Promise<Set<number>>;
}

export class CredentialService {
  constructor(private readonly o: CredentialServiceOptions) {}

  /** Checks the keys against `venue` and keeps them sealed; nothing is stored unless the venue accepted them. */
  async put(userId: number, venue: string, body: unknown): Promise<CredentialView> {
    const shape = await this.o.verifier.keyFields(venue);
    if ('problem' in shape) {
      throw new ValidationError(`Unknown venue: ${shape.problem}`, {
        details: [{ path: 'params.venue', message: shape.problem }],
      });
    }
    const keys = parseVenueKeys(body, venue, shape.fields);
    const check = await this.verify(venue, keys);
    if (check.withdraw && !this.o.allowWithdraw) {
      throw new ValidationError(
        `This ${venue} key may withdraw funds; use a trade-only key (or set ALLOW_WITHDRAW_KEYS=on)`,
        {
          details: [
            { path: `body.${keys.apiKey ? 'apiKey' : 'privateKey'}`, message: 'has withdrawal rights' },
          ],
        },
      );
    }
    const now = this.o.clock.now();
    const stored: StoredCredential = {
      userId,
      venue,
      keyId: maskKey(keys.apiKey ?? keys.walletAddress ?? ''),
      ciphertext: this.o.box.seal(JSON.stringify(keys), `${userId}:${venue}`),
      keyFingerprint: this.o.box.fingerprint,
      permissions: check.permissions,
      verifiedAt: now,
      updatedAt: now,
    };
    await this.o.repo.save(stored, now);
    return view(stored);
  }

  async list(userId: number): Promise<CredentialView[]> {
    const views = (await this.o.repo.list(userId)).map(view);
    const sk = this.o.serverKeys;
    if (sk && !views.some((v) => v.venue === sk.venue) && (await this.serverKeyUsers([userId])).has(userId)) {
      views.push({
        venue: sk.venue,
        keyId: maskKey(sk.keys.apiKey ?? ''),
        verifiedAt: sk.since,
        permissions: ['server-keys'],
      });
    }
    return views;
  }

  async delete(userId: number, venue: string): Promise<void> {
    if (!(await this.o.repo.delete(userId, venue)))
      throw new NotFoundError(`You have no credentials for ${venue}`);
  }

  /** Whether the user has keys for `venue` (a live follow needs them). */
  async has(userId: number, venue: string): Promise<boolean> {
    if ((await this.o.repo.find(userId, venue)) !== undefined) return true;
    return this.o.serverKeys?.venue === venue && (await this.serverKeyUsers([userId])).has(userId);
  }

  /** Admins, when the server has pipeline keys. */
  private async serverKeyUsers(userIds: readonly number[]): Promise<Set<number>> {
    if (!this.o.serverKeys || !this.o.admins) return new Set();
    return this.o.admins(userIds);
  }

  /** The stored row (sealed), with when it last changed: the executor re-opens only changed keys. */
  stored(userId: number, venue: string): Promise<StoredCredential | undefined> {
    return this.o.repo.find(userId, venue);
  }

  /** The executor's view: these users' keys for `venue`, each opened only when asked. */
  async sealed(
    userIds: readonly number[],
    venue: string,
  ): Promise<Map<number, { version: number; open(): VenueKeys }>> {
    const out = new Map<number, { version: number; open(): VenueKeys }>();
    for (const [u, c] of await this.o.repo.findMany(userIds, venue))
      out.set(u, { version: c.updatedAt, open: () => this.open(c) });
    const sk = this.o.serverKeys;
    if (sk?.venue === venue) {
      const keys = sk.keys;
      for (const u of await this.serverKeyUsers(userIds.filter((x) => !out.has(x))))
        out.set(u, { version: 0, open: () => keys });
    }
    return out;
  }

  /** Opens a stored row's keys. Throws when another SECRETS_KEY sealed them. */
  open(c: StoredCredential): VenueKeys {
    if (c.keyFingerprint !== this.o.box.fingerprint) {
      throw new UnavailableError(
        `The ${c.venue} credentials of user ${c.userId} were sealed with another secrets key (fingerprint ${c.keyFingerprint})`,
      );
    }
    return JSON.parse(this.o.box.open(c.ciphertext, `${c.userId}:${c.venue}`)) as VenueKeys;
  }

  private async verify(venue: string, keys: VenueKeys): Promise<KeyCheck> {
    const ms = this.o.verifyTimeoutMs ?? 15_000;
    try {
      return await withDeadline(this.o.verifier.verify(venue, keys), ms, () => {
        throw new UnavailableError(`${venue} did not answer within ${ms} ms; nothing was stored`);
      });
    } catch (err) {
      throw rebuilt(err, venue, keys);
    }
  }
}

/** The venue's error without its cause (which holds the signed request) and with the keys redacted. */
function rebuilt(err: unknown, venue: string, keys: VenueKeys): AppError {
  const message = redact(err instanceof Error ? err.message : String(err), keys);
  if (err instanceof ValidationError) {
    return new ValidationError(`${venue} refused these credentials: ${message}`, {
      details: [{ path: 'body', message: `refused by ${venue}: ${message}` }],
    });
  }
  return new UnavailableError(`${venue} could not check these credentials; nothing was stored: ${message}`);
}

function view(c: StoredCredential): CredentialView {
  return { venue: c.venue, keyId: c.keyId, verifiedAt: c.verifiedAt, permissions: c.permissions };
}
