/**
 * Plain-loop references timed in a process of their own: a fresh isolate
 * whose JIT and heap saw nothing but the reference, as an independent
 * implementation would run. The child imports `module`, calls its export
 * `fn` with `args` once to warm up and then `rounds` times, and reports the
 * seconds of each timed call and the last result.
 */
import { fork } from 'node:child_process';

export interface ReferenceSpec {
  /** A module URL (import.meta.url-relative, resolved by the caller). */
  module: string;
  fn: string;
  args: unknown[];
  rounds: number;
}

export interface ReferenceRun<R> {
  seconds: number[];
  result: R;
}

/** Runs the reference in a forked child (structured-clone messages, so typed arrays pass as they are). */
export function timeInChild<R>(spec: ReferenceSpec): Promise<ReferenceRun<R>> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url), ['--reference-child'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let done = false;
    child.once('message', (m: { ok: true; run: ReferenceRun<R> } | { ok: false; error: string }) => {
      done = true;
      if (m.ok) resolve(m.run);
      else reject(new Error(`reference child failed: ${m.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!done) reject(new Error(`reference child exited with code ${code} before reporting`));
    });
    child.send(spec);
  });
}

async function runSpec(spec: ReferenceSpec): Promise<ReferenceRun<unknown>> {
  const mod = (await import(spec.module)) as Record<string, (...a: unknown[]) => unknown>;
  const f = mod[spec.fn];
  if (typeof f !== 'function') throw new Error(`${spec.module} has no function ${spec.fn}`);
  let result = f(...spec.args);
  const seconds: number[] = [];
  for (let r = 0; r < spec.rounds; r++) {
    const t0 = performance.now();
    result = f(...spec.args);
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

if (process.argv.includes('--reference-child')) {
  process.once('message', (spec: ReferenceSpec) => {
    runSpec(spec).then(
      (run) => process.send?.({ ok: true, run }, () => process.exit(0)),
      (err: unknown) =>
        process.send?.({ ok: false, error: String(err instanceof Error ? err.stack : err) }, () =>
          process.exit(1),
        ),
    );
  });
}
