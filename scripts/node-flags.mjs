// The Node flags the service runs with, read from `npm start` in package.json:
// one place for them (bin/tradeloop.js's shebang repeats them, and a test checks
// it does), so the benchmarks and tests that start the built service start it
// as an operator does.
import fs from 'node:fs';
import path from 'node:path';

/** The flags between `node` and `bin/tradeloop.js` in the `start` script of `root`'s package.json. */
export function serviceNodeFlags(root, script = 'start') {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const m = /(?:^|&& )node ((?:--\S+ )*)bin\/tradeloop\.js/.exec(pkg.scripts[script] ?? '');
  if (!m) throw new Error(`package.json script "${script}" does not run node ... bin/tradeloop.js`);
  return m[1].trim().split(' ').filter(Boolean);
}
