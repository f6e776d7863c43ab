/**
 * Outages of the service's dependencies (the database, as its dialect sees
 * it fail and answer again; Redis for the job queue), told by
 * changes of state only: the first failure of an outage logs one warning,
 * the first success after it logs one line with how long it lasted. Every
 * failed request in between says nothing (the API answers it 503 with the
 * dependency's name). Whoever sees a dependency answer or fail reports it
 * here; reports that change nothing cost a map lookup.
 */

/** What the tracker logs through: pino's `warn`/`info` signature. */
export interface OutageLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface Outage {
  dependency: string;
  /** Epoch ms when it was first seen failing. */
  since: number;
  /** The first failure's message. */
  cause: string;
}

export interface OutageEnd {
  dependency: string;
  since: number;
  durationMs: number;
}

export class DependencyOutages {
  private readonly open = new Map<string, Outage>();

  /**
   * @param now wall time (epoch ms): an outage is measured in real time even
   *   when the service runs on a simulated clock.
   */
  constructor(
    private readonly log: OutageLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** `dependency` failed (a refused connection, a deadline missed); logs only when an outage starts. */
  down(dependency: string, cause: unknown): void {
    if (this.open.has(dependency)) return;
    const outage = { dependency, since: this.now(), cause: message(cause) };
    this.open.set(dependency, outage);
    this.log.warn(
      { dependency, cause: outage.cause, since: new Date(outage.since).toISOString() },
      `dependency ${dependency} unavailable: ${outage.cause}`,
    );
  }

  /** `dependency` answered; logs only when this ends an outage, with its duration. */
  up(dependency: string): OutageEnd | undefined {
    const outage = this.open.get(dependency);
    if (!outage) return undefined;
    this.open.delete(dependency);
    const end = { dependency, since: outage.since, durationMs: Math.max(0, this.now() - outage.since) };
    this.log.info(
      { dependency, durationMs: end.durationMs, since: new Date(end.since).toISOString() },
      `dependency ${dependency} recovered after ${(end.durationMs / 1000).toFixed(1)} s`,
    );
    return end;
  }

  /** The outage of `dependency` in progress, if any. */
  current(dependency: string): Outage | undefined {
    return this.open.get(dependency);
  }

  /** Every outage in progress. */
  list(): Outage[] {
    return [...this.open.values()];
  }
}

function message(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}
