/** /positions, /close and /tpsl, and the position buttons (close, confirm, TP/SL). */
import { Composer } from 'grammy';
import { ValidationError } from '../../domain/errors.js';
import { type BotContext, linkedOnly } from '../bot-context.js';
import type { PositionsPort } from '../bot-deps.js';
import type { ButtonAction } from '../callback-data.js';
import { parseId, parseLevel, words } from '../command-arguments.js';
import {
  alreadyClosedText,
  closeConfirmView,
  closedText,
  keptOpenText,
  openPositionsView,
  tpSlSetText,
  tpSlView,
} from '../views/positions-view.js';
import { editButtonMessage } from './message-edits.js';

/** Positions shown by /positions (each has a row of buttons; Telegram allows 100). */
export const POSITIONS_SHOWN = 20;

const CLOSE_USAGE = 'Usage: /close <position id>, e.g. /close 12 (/positions lists the ids)';
const TPSL_USAGE =
  'Usage: /tpsl <position id> <take-profit> <stop-loss>, e.g. /tpsl 12 0.8 0.4\n' +
  '"-" keeps a level, "off" clears it: /tpsl 12 - off';

export function positionCommands(positions: PositionsPort): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command(
    'positions',
    linkedOnly(async (ctx, userId) => {
      const page = await positions.list(userId, { status: 'open', limit: POSITIONS_SHOWN, cursor: null });
      const v = openPositionsView(page.items, page.nextCursor !== null);
      await ctx.reply(v.text, v.keyboard ? { reply_markup: v.keyboard } : {});
    }),
  );

  c.command(
    'close',
    linkedOnly(async (ctx, userId) => {
      const args = words(ctx.match);
      if (args.length !== 1) throw new ValidationError(CLOSE_USAGE);
      await askClose(ctx, positions, userId, parseId(args[0]!, 'position', '/close 12'));
    }),
  );

  c.command(
    'tpsl',
    linkedOnly(async (ctx, userId) => {
      const args = words(ctx.match);
      if (args.length !== 3) throw new ValidationError(TPSL_USAGE);
      const id = parseId(args[0]!, 'position', '/tpsl 12 0.8 0.4');
      const takeProfit = parseLevel(args[1]!, 'take-profit');
      const stopLoss = parseLevel(args[2]!, 'stop-loss');
      if (takeProfit === undefined && stopLoss === undefined) {
        throw new ValidationError(`Nothing to change: "-" keeps a level.\n${TPSL_USAGE}`);
      }
      const p = await positions.setTpSl(userId, id, {
        ...(takeProfit !== undefined && { takeProfit }),
        ...(stopLoss !== undefined && { stopLoss }),
      });
      await ctx.reply(tpSlSetText(p));
    }),
  );

  return c;
}

async function askClose(
  ctx: BotContext,
  positions: PositionsPort,
  userId: number,
  id: number,
): Promise<void> {
  const p = await positions.get(userId, id);
  if (p.status !== 'open') throw new ValidationError(`Position #${id} is already closed`);
  const v = closeConfirmView(p);
  await ctx.reply(v.text, v.keyboard ? { reply_markup: v.keyboard } : {});
}

type PositionAction = Exclude<ButtonAction, { kind: 'setTrader' }>;

/** Carries out a position button's action and answers the tap. */
export async function onPositionButton(
  ctx: BotContext,
  positions: PositionsPort,
  userId: number,
  action: PositionAction,
): Promise<void> {
  const id = action.positionId;
  switch (action.kind) {
    case 'askClose':
      await askClose(ctx, positions, userId, id);
      await ctx.answerCallbackQuery();
      return;
    case 'confirmClose': {
      const closed = await positions.close(userId, id);
      await editButtonMessage(ctx, closedText(closed));
      await ctx.answerCallbackQuery({ text: `Closed #${id}` });
      return;
    }
    case 'keepOpen': {
      // The position may have been closed meanwhile (TP/SL, another chat, the app): say what is true.
      const p = await positions.get(userId, id);
      await editButtonMessage(ctx, p.status === 'open' ? keptOpenText(id) : alreadyClosedText(p));
      await ctx.answerCallbackQuery();
      return;
    }
    case 'showTpSl': {
      const v = tpSlView(await positions.get(userId, id));
      await ctx.reply(v.text, v.keyboard ? { reply_markup: v.keyboard } : {});
      await ctx.answerCallbackQuery();
      return;
    }
    case 'clearTakeProfit':
    case 'clearStopLoss': {
      const field = action.kind === 'clearTakeProfit' ? 'takeProfit' : 'stopLoss';
      const p = await positions.setTpSl(userId, id, { [field]: null });
      const v = tpSlView(p);
      await editButtonMessage(ctx, v.text, v.keyboard);
      await ctx.answerCallbackQuery({
        text: field === 'takeProfit' ? 'Take-profit cleared' : 'Stop-loss cleared',
      });
      return;
    }
  }
}
