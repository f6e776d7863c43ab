/**
 * Every inline-button tap: the data is decoded against the bot's own grammar
 * (it comes from the client, so anything may arrive) and dispatched; the
 * acting user is always the chat's linked user, never something in the data.
 */
import { Composer } from 'grammy';
import { ValidationError } from '../../domain/errors.js';
import { type BotContext, linkedOnly } from '../bot-context.js';
import type { BotDeps } from '../bot-deps.js';
import { decodeAction } from '../callback-data.js';
import { onPositionButton } from './positions.js';
import { onTraderButton } from './traders.js';

export function buttonHandlers(deps: BotDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on(
    'callback_query:data',
    linkedOnly(async (ctx, userId) => {
      const action = decodeAction(ctx.callbackQuery.data);
      if (!action) throw new ValidationError('That button is not one I know; /help lists what I can do');
      if (action.kind === 'setTrader') {
        await onTraderButton(ctx, deps.traders, userId, action.traderId, action.enabled);
      } else {
        await onPositionButton(ctx, deps.positions, userId, action);
      }
    }),
  );
  // Buttons without data (games, inline) are not ours either; stop the client's spinner.
  c.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  return c;
}
