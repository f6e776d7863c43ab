/** A chat message the bot sends: its text and, when it has buttons, an inline keyboard. */
import type { InlineKeyboard } from 'grammy';

export interface View {
  text: string;
  keyboard?: InlineKeyboard;
}
