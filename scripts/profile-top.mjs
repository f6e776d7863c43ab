#!/usr/bin/env node
// Summarises a .cpuprofile: self time per function (top N) and total time per file.
// usage: node scripts/profile-top.mjs <file.cpuprofile> [N]
import fs from 'node:fs';

const [file, n = '40'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/profile-top.mjs <file.cpuprofile> [N]\n');
  process.exit(2);
}
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((node) => [node.id, node]));
const self = new Map();
const dt = p.timeDeltas;
p.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
});
const total = dt.reduce((a, b) => a + b, 0);
const fn = new Map();
const files = new Map();
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const where = cf.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/');
  const key = `${cf.functionName || '(anon)'}  ${where}:${cf.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  files.set(where || cf.functionName, (files.get(where || cf.functionName) ?? 0) + us);
}
const show = (m) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(n))
    .map(
      ([k, us]) =>
        `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    )
    .join('\n');
process.stdout.write(
  `total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:\n${show(fn)}\n\nself time by file:\n${show(files)}\n`,
);
