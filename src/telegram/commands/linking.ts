/** /start [code] links the chat, /unlink undoes it, /help lists the commands. */
import { Composer } from 'grammy';
import type { BotContext } from '../bot-context.js';
import type { BotDeps } from '../bot-deps.js';

/** The command menu (setMyCommands) and the body of /help, from one list. */
export const COMMANDS: readonly { command: string; args: string; description: string }[] = [
  { command: 'positions', args: '', description: 'Your open positions, with Close and TP/SL buttons' },
  { command: 'markets', args: ' <query>', description: 'Find markets by symbol or question, with prices' },
  { command: 'traders', args: '', description: 'Traders you follow, with on/off buttons' },
  { command: 'toggle', args: ' <trader id or name>', description: 'Turn copying of a trader on or off' },
  {
    command: 'copies',
    args: ' [mute|unmute]',
    description: 'Latest copy decisions; mute or unmute their announcements',
  },
  {
    command: 'tpsl',
    args: ' <id> <tp> <sl>',
    description: 'Set take-profit / stop-loss ("-" keeps, "off" clears)',
  },
  { command: 'close', args: ' <position id>', description: 'Close a position (asks to confirm)' },
  { command: 'start', args: ' <code>', description: 'Link this chat to your tradeloop account' },
  { command: 'unlink', args: '', description: 'Unlink this chat' },
  { command: 'help', args: '', description: 'What I can do' },
];

export const HELP_TEXT = `tradeloop bot commands:\n${COMMANDS.map((c) => `/${c.command}${c.args} — ${c.description}`).join('\n')}\n\nTake-profit and stop-loss fills, and copies of the traders you follow, are announced here.`;

const HOW_TO_LINK =
  'To link this chat, create a link code in tradeloop (POST /api/v1/telegram/link-code) ' +
  'and send it here as /start <code>.';

export function linkingCommands(links: BotDeps['links']): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command('start', async (ctx) => {
    const code = ctx.match.trim();
    if (code === '') {
      await ctx.reply(
        ctx.userId === undefined
          ? `Welcome to tradeloop. ${HOW_TO_LINK}`
          : 'This chat is linked to your tradeloop account. /help lists what I can do.',
      );
      return;
    }
    if (ctx.chat.type !== 'private') {
      await ctx.reply('For your account’s safety, link me in a private chat, not a group.');
      return;
    }
    await links.link(code, ctx.chat.id);
    await ctx.reply(
      '✅ Linked. This chat now belongs to your tradeloop account; take-profit and stop-loss fills ' +
        'will be announced here. /help lists what I can do.',
    );
  });

  c.command('unlink', async (ctx) => {
    const was = await links.unlink(ctx.chat.id);
    await ctx.reply(
      was ? 'Unlinked. This chat gets no more messages about your account.' : `Not linked. ${HOW_TO_LINK}`,
    );
  });

  c.command('help', (ctx) => ctx.reply(HELP_TEXT));

  return c;
}
