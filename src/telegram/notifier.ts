/**
 * Announces take-profit and stop-loss fills in every chat linked to the
 * position's owner. Delivery is at least once: the outbox calls `notify` and
 * retries when it throws, so it throws whenever Telegram refused a message
 * that could still arrive. A chat that can never receive one (the user
 * blocked the bot, the chat is gone) is unlinked instead, so one dead chat
 * cannot hold an event in the outbox forever.
 */
import { type Api, GrammyError } from 'grammy';
import type { Decimal } from '../domain/decimal.js';
import { RateLimitedError, UnavailableError } from '../domain/errors.js';
import type { CloseReason } from '../domain/position.js';
import type { TelegramLinkService } from './link-service.js';
import { signed } from './views/amounts.js';

export interface PositionEvent {
  userId: number;
  positionId: number;
  kind: CloseReason;
  price: Decimal;
  realizedPnl: Decimal;
  symbol: string;
  /** What was held, when the outbox knows it: shown as "long 0.5" or "Yes 100". */
  side?: string;
  outcome?: string | null;
  size?: Decimal;
}

const HEADLINE = {
  take_profit: '🎯 Take-profit hit',
  stop_loss: '🛑 Stop-loss hit',
  trailing_stop: '📉 Trailing stop hit',
  leader_exit: '👣 Leader exited',
} as const;

export function fillText(e: PositionEvent & { kind: keyof typeof HEADLINE }): string {
  const held = e.size !== undefined && (e.outcome ?? e.side) ? ` ${e.outcome ?? e.side} ${e.size}` : '';
  return `${HEADLINE[e.kind]}: #${e.positionId} ${e.symbol}${held} closed at ${e.price}. Realised PnL ${signed(e.realizedPnl)}.`;
}

/** Telegram's answers that no retry can change. */
function chatIsGone(err: unknown): boolean {
  return (
    err instanceof GrammyError &&
    (err.error_code === 403 || (err.error_code === 400 && /chat not found/i.test(err.description)))
  );
}

export class TelegramNotifier {
  constructor(
    private readonly api: Pick<Api, 'sendMessage'>,
    private readonly links: Pick<TelegramLinkService, 'chatsForUser' | 'unlink'>,
  ) {}

  /**
   * Sends the fill to each of the user's chats; manual closes are not announced.
   * Throws a retryable error when Telegram refused any message.
   */
  async notify(event: PositionEvent): Promise<void> {
    if (event.kind === 'manual') return;
    const text = fillText({ ...event, kind: event.kind });
    const chats = await this.links.chatsForUser(event.userId);
    const results = await Promise.allSettled(chats.map((chat) => this.api.sendMessage(chat, text)));
    const failures: unknown[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      if (chatIsGone(r.reason)) await this.links.unlink(chats[i]!);
      else failures.push(r.reason);
    }
    if (failures.length === 0) return;
    const first = failures[0];
    const message = `Telegram refused ${failures.length} of ${chats.length} notifications for position ${event.positionId}`;
    const retryAfter = first instanceof GrammyError ? first.parameters.retry_after : undefined;
    if (retryAfter !== undefined) throw new RateLimitedError(message, retryAfter * 1000, { cause: first });
    throw new UnavailableError(message, { cause: first });
  }
}
