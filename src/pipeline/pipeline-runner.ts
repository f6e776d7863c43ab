/**
 * Whether the signal bot runs, and where. The wish ("running" or not) is
 * stored (store/pipeline-state-repository.ts) when an admin starts or stops
 * it on any instance; exactly one instance — the holder of the `pipeline`
 * fleet lease — runs the loop while the wish is "running". The holder reads
 * the wish when it takes the lease (so a restarted server, or the instance
 * taking over from a dead one, resumes a bot that was running) and every
 * `pollMs` (so a start or stop sent to another instance takes effect within
 * that time); the instance that receives the request applies it at once
 * when it is the holder.
 *
 * @example
 * const runner = new PipelineRunner({ pipeline, state, clock, pollMs: 2000, holds: () => lease.held });
 * await runner.start(adminId); // stored, and running here if this instance holds the lease
 */
import type { Clock } from '../domain/clock.js';
import type { PipelineStateRepository, PipelineWanted } from '../store/pipeline-state-repository.js';
import type { Pipeline } from './pipeline.js';

export interface PipelineRunnerOptions {
  pipeline: Pick<Pipeline, 'start' | 'stop' | 'isRunning'>;
  state: Pick<PipelineStateRepository, 'wanted' | 'setWanted'>;
  clock: Clock;
  pollMs: number;
  /** Whether this instance holds the `pipeline` lease now. */
  holds(): boolean;
  onError?(err: unknown): void;
}

export class PipelineRunner {
  private timer: ReturnType<typeof setInterval> | undefined;
  private converging: Promise<void> = Promise.resolve();

  constructor(private readonly o: PipelineRunnerOptions) {}

  /** Stores "running" (by `userId`) and runs the bot here if this instance is the holder. */
  async start(userId: number | null): Promise<void> {
    await this.o.state.setWanted(true, userId, this.o.clock.now());
    await this.converge();
  }

  /** Stores "stopped" and stops the bot here; the holder elsewhere stops within `pollMs`. */
  async stop(userId: number | null): Promise<void> {
    await this.o.state.setWanted(false, userId, this.o.clock.now());
    await this.converge();
  }

  wanted(): Promise<PipelineWanted> {
    return this.o.state.wanted();
  }

  /**
   * Runs the loop here exactly when this instance holds the lease and the
   * wish is "running". `holder` overrides the lease's answer while it is
   * being taken. One convergence at a time.
   */
  converge(holder = this.o.holds()): Promise<void> {
    this.converging = this.converging
      .catch(() => {})
      .then(async () => {
        const run = holder && (await this.o.state.wanted()).running;
        if (run && !this.o.pipeline.isRunning) this.o.pipeline.start();
        else if (!run && this.o.pipeline.isRunning) await this.o.pipeline.stop();
      });
    return this.converging;
  }

  /** Follows the stored wish every `pollMs` until `end()`. */
  begin(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.converge().catch((err: unknown) => this.o.onError?.(err));
    }, this.o.pollMs);
    this.timer.unref?.();
  }

  async end(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.converging.catch(() => {});
    await this.o.pipeline.stop();
  }
}
