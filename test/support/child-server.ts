/**
 * Runs the real `tradeloop` CLI as a child process (through tsx, so no build
 * step is needed) and finds the URL it prints.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceNodeEnv, serviceNodeFlags } from '../../scripts/node-flags.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
/** The built CLI as `npm start` runs it: bin/tradeloop.js over dist/bundle (scripts/bundle.mjs). */
export const BUILT_CLI = [...serviceNodeFlags(ROOT), path.join(ROOT, 'bin/tradeloop.js')];

export interface ChildServer {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `serve` of the CLI from the sources (through tsx), or of `cli` (e.g. BUILT_CLI). */
export async function startChildServer(
  env: Record<string, string>,
  cli: string[] = CLI,
): Promise<ChildServer> {
  const child = spawn(process.execPath, [...cli, 'serve'], {
    cwd: ROOT,
    // npm start's environment (scripts/node-flags.mjs) for the sources and the build alike.
    env: { ...process.env, ...serviceNodeEnv(ROOT), PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s: ${out}${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${out}${err}`));
    });
  });
  return { child, url, exited };
}

/** Runs a CLI command to completion. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
