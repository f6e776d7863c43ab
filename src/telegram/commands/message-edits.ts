/**
 * Editing the message a button sits on. Telegram refuses an edit that changes
 * nothing ("message is not modified"), which a double tap produces; that
 * refusal means the message already shows the right thing, so it is not an error.
 */
import { GrammyError, type InlineKeyboard } from 'grammy';
import type { BotContext } from '../bot-context.js';

export async function editButtonMessage(
  ctx: BotContext,
  text: string,
  keyboard?: InlineKeyboard,
): Promise<void> {
  try {
    await ctx.editMessageText(text, keyboard ? { reply_markup: keyboard } : {});
  } catch (err) {
    if (err instanceof GrammyError && err.description.includes('message is not modified')) return;
    throw err;
  }
}
