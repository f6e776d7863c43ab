/**
 * "[skip] ..." lines are printed once per `vitest run`, not once per test file
 * that asks: the global setup (test/support/global-setup.ts) makes a directory
 * for the run, and the first file to claim a line there prints it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SKIP_DIR_ENV = 'TRADELOOP_TEST_SKIP_DIR';

export function noteSkip(line: string): void {
  const dir = process.env[SKIP_DIR_ENV];
  if (dir) {
    const marker = path.join(dir, createHash('sha1').update(line).digest('hex'));
    try {
      fs.closeSync(fs.openSync(marker, 'wx'));
    } catch {
      return; // another file of this run printed it
    }
  }
  console.warn(line);
}
