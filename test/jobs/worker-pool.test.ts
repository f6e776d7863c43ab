/**
 * The worker pool's recycling: after a task whose thread reports more memory
 * than the bound, or after N tasks, the pool ends its threads once idle, and
 * the next task runs on new ones. Light work keeps its threads. (Memory
 * itself is measured by the job-memory benchmark, not asserted here.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JobControl } from '../../src/jobs/task-protocol.js';
import { WorkerPool } from '../../src/jobs/worker-pool.js';
import { chunkRanges, type MonteCarloChunk, parseMonteCarloRequest } from '../../src/research/index.js';

const request = parseMonteCarloRequest({
  tradeReturns: [0.02, -0.01, 0.03, -0.02],
  method: 'bootstrap',
  tradesPerPath: 10,
  paths: 2000,
  seed: 3,
});

async function monteCarlo(pool: WorkerPool): Promise<string> {
  const control = new JobControl().buffer;
  const chunks: MonteCarloChunk[] = [];
  for (const [start, end] of chunkRanges(2000, 500)) {
    const r = await pool.run<MonteCarloChunk>({ kind: 'mc-chunk', request, start, end, control });
    if (!r.ok) throw new Error('chunk failed');
    expect(r.memoryBytes).toBeGreaterThan(0);
    chunks.push(r.value);
  }
  const merged = await pool.run<string>({ kind: 'mc-merge', request, chunks });
  if (!merged.ok) throw new Error('merge failed');
  return merged.value;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('WorkerPool recycling', () => {
  let pool: WorkerPool | undefined;
  afterEach(() => pool?.close());

  it('recycles its threads once idle after a task over the memory bound, and runs the next on new ones', async () => {
    pool = new WorkerPool(1, { heavyTaskBytes: 1, recycleIdleMs: 10 });
    const first = await monteCarlo(pool);
    await until(() => pool!.recycles > 0);
    expect(pool.recycles).toBe(1);
    // The same result from new threads; and chunk arrays moved to the merge still arrive whole.
    expect(await monteCarlo(pool)).toBe(first);
    expect(JSON.parse(first)).toMatchObject({ paths: 2000, tradesPerPath: 10 });
  });

  it('recycles after N tasks, and keeps its threads for light work until then', async () => {
    pool = new WorkerPool(1, { heavyTaskBytes: 2 ** 40, recycleAfterTasks: 10, recycleIdleMs: 10 });
    await monteCarlo(pool); // 5 tasks
    await new Promise((r) => setTimeout(r, 100));
    expect(pool.recycles).toBe(0);
    await monteCarlo(pool); // 10 tasks
    await until(() => pool!.recycles > 0);
    expect(pool.recycles).toBe(1);
  });
});
