/** /traders and /toggle, and the trader on/off buttons. */
import { Composer } from 'grammy';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Trader } from '../../domain/trader.js';
import { type BotContext, linkedOnly } from '../bot-context.js';
import type { BotDeps } from '../bot-deps.js';
import { parseId } from '../command-arguments.js';
import { traderStateText, tradersView } from '../views/traders-view.js';
import { quoteUserText } from '../views/user-text.js';
import { editButtonMessage } from './message-edits.js';

/** Traders shown by /traders, one button row each. */
export const TRADERS_SHOWN = 30;
/** Traders searched by name for /toggle. */
const NAME_SEARCH_LIMIT = 500;
/** Ids offered when several traders share a name. */
const IDS_SHOWN = 10;

const TOGGLE_USAGE =
  'Usage: /toggle <trader id or name>, e.g. /toggle 3 or /toggle Ansem (/traders lists them)';

type Traders = BotDeps['traders'];

async function listView(traders: Traders, userId: number) {
  const list = await traders.list(userId, TRADERS_SHOWN + 1, null);
  return tradersView(list.slice(0, TRADERS_SHOWN), list.length > TRADERS_SHOWN);
}

async function findTrader(traders: Traders, userId: number, ref: string): Promise<Trader> {
  if (/^#?\d+$/.test(ref)) return traders.get(userId, parseId(ref, 'trader', '/toggle 3'));
  const name = ref.toLowerCase();
  const named = (await traders.list(userId, NAME_SEARCH_LIMIT, null)).filter(
    (t) => t.name.toLowerCase() === name,
  );
  if (named.length === 0) {
    throw new NotFoundError(`You follow no trader named ${quoteUserText(ref)}; /traders lists them`);
  }
  if (named.length > 1) {
    const ids = named.slice(0, IDS_SHOWN).map((t) => `/toggle ${t.id}`);
    const more = named.length > IDS_SHOWN ? ` and ${named.length - IDS_SHOWN} more` : '';
    throw new ValidationError(
      `Several traders are named ${quoteUserText(ref)}; use an id: ${ids.join(', ')}${more}`,
    );
  }
  return named[0]!;
}

/** Sets a trader on or off; unchanged when it already is. */
async function setEnabled(traders: Traders, userId: number, t: Trader, enabled: boolean): Promise<Trader> {
  return t.enabled === enabled ? t : traders.update(userId, t.id, { enabled }, t.version);
}

export function traderCommands(traders: Traders): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command(
    'traders',
    linkedOnly(async (ctx, userId) => {
      const v = await listView(traders, userId);
      await ctx.reply(v.text, v.keyboard ? { reply_markup: v.keyboard } : {});
    }),
  );

  c.command(
    'toggle',
    linkedOnly(async (ctx, userId) => {
      const ref = ctx.match.trim();
      if (ref === '') throw new ValidationError(TOGGLE_USAGE);
      const t = await findTrader(traders, userId, ref);
      await ctx.reply(traderStateText(await setEnabled(traders, userId, t, !t.enabled)));
    }),
  );

  return c;
}

/** A trader button: sets the state it names, then redraws the list it sits on. */
export async function onTraderButton(
  ctx: BotContext,
  traders: Traders,
  userId: number,
  traderId: number,
  enabled: boolean,
): Promise<void> {
  const t = await setEnabled(traders, userId, await traders.get(userId, traderId), enabled);
  const v = await listView(traders, userId);
  await editButtonMessage(ctx, v.text, v.keyboard);
  await ctx.answerCallbackQuery({ text: traderStateText(t) });
}
