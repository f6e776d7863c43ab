/**
 * Running a server as a child process, as an operator would: compile the
 * sources to a private directory (the shared dist/ is left alone), start the
 * process, wait for the URL it prints, read its memory from /proc, and stop
 * it by its PID.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { serviceNodeEnv, serviceNodeFlags } from '../../scripts/node-flags.mjs';

const exec = promisify(execFile);

/** `npm start`'s Node flags (scripts/node-flags.mjs): the built service runs with them here too. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVICE_NODE_FLAGS: readonly string[] = serviceNodeFlags(ROOT);
/** `npm start`'s environment (the malloc tunable): every child here runs with it, references too. */
const SERVICE_ENV: Readonly<Record<string, string>> = serviceNodeEnv(ROOT);

/**
 * Compiles src/ with tsconfig.build.json into `dir` and bundles it as
 * `npm run build` does (scripts/bundle.mjs); returns the path of the bundled
 * CLI, what `npm start` runs.
 */
export async function buildCli(projectRoot: string, dir: string): Promise<string> {
  const outDir = path.join(dir, 'dist');
  const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await exec(
      process.execPath,
      [tsc, '-p', path.join(projectRoot, 'tsconfig.build.json'), '--outDir', outDir],
      {
        cwd: projectRoot,
        maxBuffer: 16 * 2 ** 20,
      },
    );
  } catch (err) {
    // tsc still emits on type errors; only a missing output is fatal.
    if (!fs.existsSync(path.join(outDir, 'cli', 'main.js'))) throw err;
  }
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await exec(process.execPath, [path.join(projectRoot, 'scripts', 'bundle.mjs'), outDir], {
    cwd: projectRoot,
  });
  return path.join(outDir, 'bundle', 'main.js');
}

export interface ChildServer {
  pid: number;
  url: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL (`kill -9`); resolves when the process has exited. */
  kill(): Promise<void>;
}

/** Starts `node <args>` and resolves once it prints an http://127.0.0.1:<port> URL. */
export function startChild(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: { ...SERVICE_ENV, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(1_000);
      reject(
        new Error(
          `child did not print its URL within ${opts.timeoutMs ?? 30_000} ms; output: ${output.slice(-2000)}`,
        ),
      );
    }, opts.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ pid: child.pid, url: m[1]!, stop, kill });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before listening; output: ${output.slice(-2000)}`));
    });
  });
}

export interface ProcMemory {
  /** Resident set, in KiB, and its parts. */
  rssKiB: number;
  anonKiB: number;
  fileKiB: number;
  shmemKiB: number;
  /** Peak resident set, in KiB. */
  hwmKiB: number;
}

export function procMemory(pid: number): ProcMemory {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    rssKiB: kib('VmRSS'),
    anonKiB: kib('RssAnon'),
    fileKiB: kib('RssFile'),
    shmemKiB: kib('RssShmem'),
    hwmKiB: kib('VmHWM'),
  };
}
