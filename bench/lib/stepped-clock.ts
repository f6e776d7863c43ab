/**
 * Replaying a timed workload on simulated time. SteppedClock is a ManualClock
 * that also knows when its next timer is due, so the replay can jump from
 * one due moment to the next (timers of the batching window, venue latency,
 * cache timeouts, warming, or the next scheduled request) and run the event
 * loop after each, instead of stepping every millisecond.
 */
import { ManualClock } from '../../src/domain/clock.js';

export class SteppedClock extends ManualClock {
  private readonly due = new Map<number, number>();
  private timerIds = 0;

  override setTimer(ms: number, fn: () => void): () => void {
    const id = ++this.timerIds;
    this.due.set(id, this.now() + Math.max(0, ms));
    const cancel = super.setTimer(ms, () => {
      this.due.delete(id);
      fn();
    });
    return () => {
      this.due.delete(id);
      cancel();
    };
  }

  /** When the earliest pending timer fires; Infinity when none is pending. */
  nextDue(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const at of this.due.values()) if (at < next) next = at;
    return next;
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Starts `start(i)` at `clock`-time `times[i]` (ascending, absolute ms) and
 * returns once every started operation has settled. Between two moments the
 * event loop runs until it is idle, so promise chains arm their timers before
 * the clock moves again.
 */
export async function replay(
  clock: SteppedClock,
  times: readonly number[],
  start: (i: number) => Promise<void>,
): Promise<{ steps: number }> {
  const running = new Set<Promise<void>>();
  const failures: unknown[] = [];
  let i = 0;
  let steps = 0;
  for (;;) {
    await turn();
    if (failures.length > 0) throw failures[0];
    if (i === times.length && running.size === 0) return { steps };
    const next = Math.min(times[i] ?? Number.POSITIVE_INFINITY, clock.nextDue());
    if (next === Number.POSITIVE_INFINITY) throw new Error('replay stalled: operations wait on nothing');
    clock.advance(Math.max(0, next - clock.now()));
    steps++;
    for (; i < times.length && times[i]! <= clock.now(); i++) {
      const p: Promise<void> = start(i).then(
        () => void running.delete(p),
        (err: unknown) => void failures.push(err),
      );
      running.add(p);
    }
  }
}
