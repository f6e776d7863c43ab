/**
 * Runs a real `tradeloop worker` (through tsx, like test/support/child-server.ts)
 * and waits until it says it is consuming the queue.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './child-server.js';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'worker'], {
    cwd: ROOT,
    // No /metrics unless a suite asks (WORKER_METRICS_PORT): workers started side by side would share its port.
    env: { ...process.env, LOG_LEVEL: 'warn', WORKER_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let out = '';
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in 20 s: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('tradeloop worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready: ${out}`));
    });
  });
  return { child, pid: child.pid!, exited, output: () => out };
}

/** SIGKILLs the worker by its pid (no-op once it has exited) and waits for the exit. */
export async function killWorker(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) {
    try {
      process.kill(w.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await w.exited;
}
