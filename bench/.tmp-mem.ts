import { JobControl } from '../src/jobs/task-protocol.js';
import { WorkerPool } from '../src/jobs/worker-pool.js';
import { chunkRanges, parseMonteCarloRequest, type MonteCarloChunk } from '../src/research/index.js';
const rss = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
function returns(n: number, seed: number): number[] { let x = seed; return Array.from({ length: n }, () => { x = (x * 1103515245 + 12345) % 2 ** 31; return (x / 2 ** 31 - 0.48) * 0.06; }); }
const mode = process.argv[2] ?? 'keep';
let pool = new WorkerPool(2);
console.log('start', rss());
for (let round = 0; round < 3; round++) {
  for (const raw of [
    { method: 'bootstrap', tradeReturns: returns(1000, 1), tradesPerPath: 1000, paths: 1_000_000, seed: 1 },
    { method: 'reshuffle', tradeReturns: returns(100000, 2), paths: 10000, seed: 2 },
  ]) {
    const req = parseMonteCarloRequest(raw);
    const params = { ...raw, tradeReturns: req.tradeReturns };
    const draws = req.method === 'reshuffle' ? req.tradeReturns.length : req.tradesPerPath;
    const size = Math.max(1, Math.min(Math.max(1000, Math.ceil(req.paths / 8)), Math.floor(20_000_000 / draws)));
    const control = new JobControl();
    const chunks = (await Promise.all(chunkRanges(req.paths, size).map(([start, end]) => pool.run<MonteCarloChunk>({ kind: 'mc-chunk', params, start, end, control: control.buffer })))).map((r) => (r as any).value);
    await pool.run({ kind: 'mc-merge', params, chunks });
    console.log(round, raw.method, rss());
  }
}
if (mode === 'recycle') { await pool.close(); pool = new WorkerPool(2); }
for (let i = 0; i < 6; i++) { await new Promise((r) => setTimeout(r, 2000)); (globalThis as any).gc?.(); console.log('idle', i * 2, rss()); }
await pool.close();
