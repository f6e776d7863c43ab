/**
 * Files of the project (package.json, the dashboard build) by their path from
 * its root. This module sits two levels below the root in every form the
 * code runs in, and so does every module that inlines it: `src/lib/` (tests,
 * tsx), `dist/lib/` (the compiled tree) and `dist/bundle/` (the bundle that
 * `npm start` runs, see scripts/bundle.mjs). Keep it there.
 */
import { fileURLToPath } from 'node:url';

/** The absolute path of `relative` (e.g. `web/dist`) under the project root. */
export function projectPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}
