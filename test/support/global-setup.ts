/** Vitest global setup: one directory per run where skip notices are claimed (see skip-notice.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SKIP_DIR_ENV } from './skip-notice.js';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-skips-'));
  process.env[SKIP_DIR_ENV] = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
