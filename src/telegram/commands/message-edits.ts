/**
 * Editing the message a button sits on. Telegram refuses an edit that changes
 * nothing ("message is not modified"), which a double tap produces; that
 * refusal means the message already shows the right thing, so it is not an
 * error. A message that can no longer be edited (too old, deleted, or not the
 * bot's) does not hide the outcome either: by then the tap's action is done,
 * so the result is sent as a new message instead.
 */
import { GrammyError, type InlineKeyboard } from 'grammy';
import type { BotContext } from '../bot-context.js';

const NOT_MODIFIED = 'message is not modified';
const NOT_EDITABLE = ["message can't be edited", 'message to edit not found', 'MESSAGE_ID_INVALID'];

export async function editButtonMessage(
  ctx: BotContext,
  text: string,
  keyboard?: InlineKeyboard,
): Promise<void> {
  const extra = keyboard ? { reply_markup: keyboard } : {};
  try {
    await ctx.editMessageText(text, extra);
  } catch (err) {
    if (!(err instanceof GrammyError)) throw err;
    if (err.description.includes(NOT_MODIFIED)) return;
    if (ctx.chat && NOT_EDITABLE.some((d) => err.description.includes(d))) {
      await ctx.reply(text, extra);
      return;
    }
    throw err;
  }
}
