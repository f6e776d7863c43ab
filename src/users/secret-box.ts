/**
 * Sealing users' exchange keys at rest: AES-256-GCM with a random 96-bit IV
 * per seal, the (user, venue) the keys belong to as additional data (a
 * ciphertext copied onto another user's row does not open), and a short
 * fingerprint of the key stored beside each ciphertext, so a wrong key is
 * reported as such rather than as corrupt data.
 *
 * The key comes from `SECRETS_KEY` (64 hex digits or base64 of 32 bytes) or,
 * when unset, from `<DATA_DIR>/secrets.key`, generated on first use with mode
 * 0600. Losing that file loses every stored credential (users re-enter them).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../domain/errors.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../store/sqlite/private-files.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  /** Names the key without revealing it (first 12 hex digits of its SHA-256). */
  readonly fingerprint: string;

  /** Made once: a raw key would be wrapped anew on every seal and open (the executor opens on its order path). */
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new ConfigError('The secrets key must be 32 bytes');
    this.fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 12);
    this.key = createSecretKey(key);
  }

  /** base64url of iv | tag | ciphertext. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
  }

  /** The plain text, or throws when the data or its context was altered (or another key sealed it). */
  open(sealed: string, context: string): string {
    const raw = Buffer.from(sealed, 'base64url');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const body = d.update(raw.subarray(IV_BYTES + TAG_BYTES));
    const rest = d.final(); // checks the tag; GCM holds nothing back, so it is empty
    return (rest.length === 0 ? body : Buffer.concat([body, rest])).toString('utf8');
  }
}

/** `SECRETS_KEY` as 32 bytes, or undefined when it is neither 64 hex digits nor base64 of 32 bytes. */
export function parseSecretsKey(raw: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) {
    const b = Buffer.from(raw, 'base64');
    return b.length === 32 ? b : undefined;
  }
  return undefined;
}

/** The box of `SECRETS_KEY`, else of `<dataDir>/secrets.key` (created 0600 with a random key when missing). */
export function openSecretBox(secretsKey: string, dataDir: string): SecretBox {
  if (secretsKey !== '') {
    const key = parseSecretsKey(secretsKey);
    if (!key) throw new ConfigError('SECRETS_KEY must be 64 hex digits or base64 of 32 bytes');
    return new SecretBox(key);
  }
  const file = path.join(dataDir, 'secrets.key');
  ensurePrivateDir(dataDir);
  if (!fs.existsSync(file)) {
    // Written aside, then linked into place: of two processes starting at once, one key wins
    // and neither ever reads a half-written file.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
  const key = parseSecretsKey(fs.readFileSync(file, 'utf8').trim());
  if (!key) throw new ConfigError(`${file} does not hold a 32-byte key (64 hex digits)`);
  return new SecretBox(key);
}
