/**
 * An opt-in CPU profile of one phase of a benchmark: `BENCH_CPU_PROFILE=<dir>`
 * writes `<dir>/<name>.cpuprofile` (open it in Chrome DevTools or summarise it
 * with `node scripts/profile-top.mjs <file>`). Without the variable it costs
 * nothing, so recorded figures are never taken under the profiler.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export async function profilePhase<T>(name: string, phase: () => Promise<T>): Promise<T> {
  const dir = process.env['BENCH_CPU_PROFILE'];
  if (!dir) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
