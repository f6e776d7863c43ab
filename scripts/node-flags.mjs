// How the service's Node runs, read from `npm start` in package.json: one place
// for the environment and flags (bin/tradeloop.js's shebang repeats them, and a
// test checks it does), so the benchmarks and tests that start the built
// service start it as an operator does.
import fs from 'node:fs';
import path from 'node:path';

/** `VAR=value ... node --flag ... bin/tradeloop.js` in the `script` of `root`'s package.json. */
function serviceCommand(root, script) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const m = /(?:^|&& )((?:[A-Z_]+=\S+ )*)node ((?:--\S+ )*)bin\/tradeloop\.js/.exec(
    pkg.scripts[script] ?? '',
  );
  if (!m)
    throw new Error(`package.json script "${script}" does not run [VAR=value ...] node ... bin/tradeloop.js`);
  const words = (s) => s.trim().split(' ').filter(Boolean);
  return { env: words(m[1]), flags: words(m[2]) };
}

/** The flags between `node` and `bin/tradeloop.js` in the `start` script of `root`'s package.json. */
export function serviceNodeFlags(root, script = 'start') {
  return serviceCommand(root, script).flags;
}

/** The environment variables the `start` script sets before `node`, as an object. */
export function serviceNodeEnv(root, script = 'start') {
  return Object.fromEntries(
    serviceCommand(root, script).env.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
}
