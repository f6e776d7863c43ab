/**
 * The database, its WAL and SHM files and its backups hold every user's
 * trades and token hashes: they are created readable by their owner only
 * (0600) in directories only the owner can list (0700). SQLite creates the
 * WAL and SHM with the main file's mode, so making the main file 0600 before
 * SQLite opens it covers all three; files from older versions are tightened.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and parents) as 0700 when missing. An existing directory keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Makes the data directory 0700 when it exists with wider rights (made by an
 * older version, or by hand) — only when this user owns it and it is not a
 * shared sticky directory such as /tmp.
 */
export function tightenDataDir(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return; // created 0700 when first needed
  }
  const shared = (stat.mode & 0o1000) !== 0;
  const mine = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (stat.isDirectory() && mine && !shared && (stat.mode & 0o077) !== 0) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes sure `file` exists with mode 0600 (created empty if missing), and its directory exists. */
export function ensurePrivateFile(file: string): void {
  ensurePrivateDir(path.dirname(path.resolve(file)));
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(f, PRIVATE_FILE_MODE);
    } catch {
      // not there yet: SQLite creates it with the main file's mode
    }
  }
}
