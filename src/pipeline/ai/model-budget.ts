/**
 * The model stages' budgets: AI_MAX_CALLS_PER_HOUR over the trailing hour and
 * AI_MAX_TOKENS_PER_DAY over the UTC day, counted from the call log (so every
 * instance on one database shares them) when a stage starts, then kept up to
 * date in memory as calls are reserved. A call reserves its token estimate
 * (prompt plus output cap) before it is sent and settles to what the provider
 * counted, so concurrent calls cannot overrun the day. A provider's
 * Retry-After holds every call back until it has passed.
 */
import type { ModelCallRepository } from '../../store/model-call-repository.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface BudgetLimits {
  callsPerHour: number;
  tokensPerDay: number;
}

export type Reservation = { ok: true; settle(tokens: number): void } | { ok: false; reason: string };

export class ModelBudget {
  private calls = 0;
  private tokens = 0;
  private day = Number.NaN;
  private retryAt = 0;

  constructor(
    private readonly log: Pick<ModelCallRepository, 'callsSince' | 'tokensSince'>,
    private readonly limits: BudgetLimits,
  ) {}

  /** Reads what was spent from the call log; call with no model call in flight. */
  async refresh(now: number): Promise<void> {
    this.day = Math.floor(now / DAY);
    const [calls, tokens] = await Promise.all([
      this.log.callsSince(now - HOUR),
      this.log.tokensSince(this.day * DAY),
    ]);
    this.calls = calls;
    this.tokens = tokens;
  }

  /** Room for one call of up to `estimate` tokens, or why not. */
  reserve(estimate: number): Reservation {
    const l = this.limits;
    if (this.calls >= l.callsPerHour)
      return { ok: false, reason: `budget spent: AI_MAX_CALLS_PER_HOUR ${l.callsPerHour} reached` };
    if (this.tokens + estimate > l.tokensPerDay)
      return { ok: false, reason: `budget spent: AI_MAX_TOKENS_PER_DAY ${l.tokensPerDay} would be passed` };
    this.calls++;
    this.tokens += estimate;
    return {
      ok: true,
      settle: (used) => {
        this.tokens += used - estimate;
      },
    };
  }

  /** Holds calls back until `at` (a provider's Retry-After). */
  holdUntil(at: number): void {
    this.retryAt = Math.max(this.retryAt, at);
  }

  /** Why calls wait at `now`, or null. */
  held(now: number): string | null {
    if (now >= this.retryAt) return null;
    return `provider asked to retry after ${new Date(this.retryAt).toISOString()} (Retry-After)`;
  }

  /** What is spent in the current windows (for status). */
  spent(): { callsLastHour: number; tokensToday: number } {
    return { callsLastHour: this.calls, tokensToday: this.tokens };
  }
}
