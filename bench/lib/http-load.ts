/**
 * HTTP load with autocannon, run in a forked child process so the load
 * generator never shares an event loop with the server it measures (the
 * server under test and its reference both run in the parent).
 */
import { fork, type Serializable } from 'node:child_process';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'PATCH' | 'POST';
  connections: number;
  durationSec: number;
  headers: Record<string, string>;
  /** Request paths, used in turn: request n goes to paths[n % paths.length]. */
  paths: string[];
  /** Bodies used in turn per pass over `paths`: pass p sends bodies[p % bodies.length]. */
  bodies: string[];
}

export interface LoadResult {
  /** 2xx responses per second over the run. */
  okPerSec: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  bytesPerSec: number;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return inChild(new URL('./load-child.ts', import.meta.url), spec);
}

/** Forks `script`, sends it `spec`, and resolves with the LoadResult it reports. */
export function inChild(script: URL, spec: Serializable): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(script, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let done = false;
    child.once('message', (m: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
      done = true;
      if (m.ok) resolve(m.result);
      else reject(new Error(`load generator failed: ${m.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!done) reject(new Error(`load generator exited with code ${code} before reporting`));
    });
    child.send(spec);
  });
}
