/**
 * Helpers of the suites that run a fleet of real processes: waiting for a
 * condition (with what was awaited in the failure), stopping a child server
 * by SIGKILL or SIGTERM, and reading what an instance's /metrics say.
 */
import type { ChildServer } from './child-server.js';

export { until } from './until.js';

/** `p`, or a failure naming `what` after `ms`. */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const running = (s: ChildServer) => s.child.exitCode === null && s.child.signalCode === null;

/** `kill -9`: SIGKILL by PID, resolved once the process has exited. */
export async function killChild(s: ChildServer): Promise<void> {
  if (running(s)) s.child.kill('SIGKILL');
  await s.exited;
}

/** A clean stop (SIGTERM); resolves with how the process exited. */
export async function stopChild(
  s: ChildServer,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (running(s)) s.child.kill('SIGTERM');
  return s.exited;
}

/** Whether a /metrics text says this instance holds the fleet lease of `role`. */
export function holdsLease(metricsText: string, role: string): boolean {
  return new RegExp(`^tradeloop_fleet_lease_held\\{role="${role}"\\} 1$`, 'm').test(metricsText);
}
