/** /markets <query>: markets whose symbol or question matches, with latest prices. */
import { Composer } from 'grammy';
import { ValidationError } from '../../domain/errors.js';
import { type BotContext, linkedOnly } from '../bot-context.js';
import type { BotDeps } from '../bot-deps.js';
import { searchMarkets } from '../market-search.js';
import { marketsText } from '../views/markets-view.js';

export const MARKETS_SHOWN = 10;
const MAX_QUERY = 64;
const USAGE = 'Usage: /markets <query>, e.g. /markets BTC or /markets ETF';

export function marketCommands(marketData: BotDeps['marketData']): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command(
    'markets',
    linkedOnly(async (ctx) => {
      const query = ctx.match.trim().replace(/\s+/g, ' ');
      if (query === '') throw new ValidationError(USAGE);
      if (query.length > MAX_QUERY)
        throw new ValidationError(`The query is longer than ${MAX_QUERY} characters`);
      const found = await searchMarkets(marketData, query, MARKETS_SHOWN);
      const prices =
        found.items.length > 0
          ? await marketData.prices(found.items.map((m) => m.symbol))
          : { items: [], errors: [] };
      await ctx.reply(marketsText(query, found, prices));
    }),
  );
  return c;
}
