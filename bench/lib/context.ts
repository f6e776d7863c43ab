/**
 * What every benchmark gets: a private temp directory for the run, a log
 * line printer, cleanups run at the end (even after a failure), and the
 * shared 1M-order database, built at most once per run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BigDb } from './big-db.js';
import type { BenchResult } from './result.js';

export interface BenchContext {
  /** A fresh directory under the run's temp root. */
  tempDir(label: string): string;
  log(message: string): void;
  /** Runs `fn` when the benchmark ends, in reverse order of registration. */
  defer(fn: () => Promise<void> | void): void;
  /** The shared database with 100 traders and 1,000,000 orders of one user, on `dialect` (default SQLite). */
  bigDb(dialect?: 'sqlite' | 'postgres'): Promise<BigDb>;
  /** The service compiled to JavaScript (as `npm start` runs it), built at most once per run. */
  compiledCli(): Promise<{ cli: string; dir: string }>;
}

export interface Benchmark {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export class RunContext {
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private readonly big = new Map<string, Promise<BigDb>>();
  private cli: Promise<{ cli: string; dir: string }> | undefined;
  private counter = 0;

  constructor(
    readonly root: string,
    private readonly buildBig: (
      dir: string,
      log: (m: string) => void,
      dialect: 'sqlite' | 'postgres',
    ) => Promise<BigDb>,
    private readonly buildCli: (dir: string) => Promise<string>,
  ) {}

  forBenchmark(name: string): BenchContext {
    const log = (message: string) => process.stdout.write(`  [${name}] ${message}\n`);
    return {
      tempDir: (label) => {
        const dir = path.join(this.root, `${String(++this.counter).padStart(2, '0')}-${label}`);
        fs.mkdirSync(dir, { recursive: true });
        return dir;
      },
      log,
      defer: (fn) => this.cleanups.push(fn),
      bigDb: (dialect = 'sqlite') => {
        let big = this.big.get(dialect);
        if (!big) {
          big = this.buildBig(path.join(this.root, `big-${dialect}`), log, dialect);
          this.big.set(dialect, big);
        }
        return big;
      },
      compiledCli: () => {
        const dir = path.join(this.root, 'cli');
        if (!this.cli) {
          fs.mkdirSync(dir, { recursive: true });
          this.cli = this.buildCli(dir).then((cli) => ({ cli, dir }));
        }
        return this.cli;
      },
    };
  }

  /** Runs the cleanups registered so far; errors are reported, not thrown. */
  async cleanup(): Promise<void> {
    while (this.cleanups.length > 0) {
      const fn = this.cleanups.pop()!;
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }
}
