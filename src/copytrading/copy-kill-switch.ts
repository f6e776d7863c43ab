/**
 * The kill switch of live copies: a user stops their own, an admin stops
 * everyone's. It is a row in the database, so every instance of a fleet
 * sees it on its next page and before its next send: new live copies are
 * skipped as `copies_paused`, and orders not yet sent are cancelled, not sent.
 * Paper copies go on (switch a follow off to stop those).
 */
import type { Clock } from '../domain/clock.js';
import type { LiveOrderRepository } from '../store/live-order-repository.js';

export interface PauseState {
  /** This user's live copies are stopped (by them or by an admin for everyone). */
  paused: boolean;
  /** By the user themselves. */
  user: boolean;
  /** By an admin, for everyone. */
  all: boolean;
}

export class CopyKillSwitch {
  constructor(
    private readonly live: Pick<LiveOrderRepository, 'pause' | 'resume' | 'paused'>,
    private readonly clock: Clock,
  ) {}

  async pause(userId: number): Promise<PauseState> {
    await this.live.pause(`user:${userId}`, userId, this.clock.now());
    return this.state(userId);
  }

  async resume(userId: number): Promise<PauseState> {
    await this.live.resume(`user:${userId}`);
    return this.state(userId);
  }

  /** Stops every user's live copies (admin). */
  async pauseAll(adminId: number): Promise<PauseState> {
    await this.live.pause('all', adminId, this.clock.now());
    return this.state(adminId);
  }

  async resumeAll(adminId: number): Promise<PauseState> {
    await this.live.resume('all');
    return this.state(adminId);
  }

  async state(userId: number): Promise<PauseState> {
    const p = await this.live.paused([userId]);
    const user = p.users.has(userId);
    return { paused: user || p.all, user, all: p.all };
  }
}
