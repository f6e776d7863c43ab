/**
 * Answer schema of POST /telegram/link-code: the one-time code, the command
 * that sends it to the bot, and the deep link when the bot runs here.
 */
import { Type } from '../json-schema.js';

export const LinkCodeJson = Type.Object({
  code: Type.String(),
  expiresAt: Type.String(),
  command: Type.String({ description: 'What to send the bot: /start <code>' }),
  botUsername: Type.Nullable(
    Type.String({ description: "The bot's username (without @), null when no bot runs on this server" }),
  ),
  link: Type.Nullable(
    Type.String({
      description:
        'https://t.me/<botUsername>?start=<code>: opens the bot and sends the command; null with no bot',
    }),
  ),
});
