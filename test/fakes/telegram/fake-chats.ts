/**
 * What a fake Bot API remembers about its chats: the messages in each (the
 * users' and the bot's), the callback queries awaiting an answer, the bot's
 * command list, and the chats that blocked the bot. Its methods implement the
 * Bot API calls the bot makes, with Telegram's checks and error texts, so a
 * bot that would fail against Telegram fails here too.
 */
import type { BotCommand, Chat, InlineKeyboardMarkup, Message, User } from 'grammy/types';

/** A refusal, answered as `{ ok: false, error_code, description }`. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    /** Telegram's `parameters`, e.g. `{ retry_after: 3 }` on a 429. */
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

export type Params = Record<string, unknown>;

const MAX_TEXT = 4096;
const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class FakeChats {
  readonly bot: User;
  commands: BotCommand[] = [];
  private readonly messages = new Map<string, Map<number, Message>>();
  private readonly lastMessageId = new Map<string, number>();
  private readonly openQueries = new Set<string>();
  private readonly blocked = new Set<string>();
  private querySeq = 0;

  constructor(botId: number, username: string) {
    this.bot = { id: botId, is_bot: true, first_name: 'tradeloop test bot', username };
  }

  /** Records a message a user sent, giving it the chat's next message id. */
  userMessage(chat: Chat, from: User, text: string): Message {
    const entities =
      text.startsWith('/') && text.length > 1
        ? [{ type: 'bot_command' as const, offset: 0, length: text.split(/\s/, 1)[0]!.length }]
        : undefined;
    return this.store(chat, {
      message_id: 0,
      date: nowSeconds(),
      chat,
      from,
      text,
      ...(entities && { entities }),
    });
  }

  /** Opens a callback query (as a tap does); the bot must answer it once. */
  openQuery(): string {
    const id = `q${++this.querySeq}`;
    this.openQueries.add(id);
    return id;
  }

  message(chatId: number | string, messageId: number): Message | undefined {
    return this.messages.get(String(chatId))?.get(messageId);
  }

  /** Every message in a chat, oldest first. */
  history(chatId: number | string): Message[] {
    return [...(this.messages.get(String(chatId))?.values() ?? [])];
  }

  block(chatId: number | string): void {
    this.blocked.add(String(chatId));
  }

  readonly methods: Record<string, (p: Params) => unknown> = {
    getme: () => this.bot,
    setmycommands: (p) => {
      const commands = p['commands'];
      if (!Array.isArray(commands)) throw new BotApiError(400, 'Bad Request: commands must be an array');
      for (const c of commands as BotCommand[]) {
        if (!/^[a-z0-9_]{1,32}$/.test(String(c?.command))) {
          throw new BotApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
        }
      }
      this.commands = commands as BotCommand[];
      return true;
    },
    sendmessage: (p) => {
      const chat = this.writableChat(p['chat_id']);
      const text = checkText(p['text']);
      const markup = checkMarkup(p['reply_markup']);
      return this.store(chat, {
        message_id: 0,
        date: nowSeconds(),
        chat,
        from: this.bot,
        text,
        ...(markup && { reply_markup: markup }),
      });
    },
    editmessagetext: (p) => this.edit(p, { text: checkText(p['text']) }),
    editmessagereplymarkup: (p) => this.edit(p, {}),
    answercallbackquery: (p) => {
      const id = String(p['callback_query_id'] ?? '');
      if (!this.openQueries.delete(id)) {
        throw new BotApiError(
          400,
          'Bad Request: query is too old and response timeout expired or query ID is invalid',
        );
      }
      return true;
    },
  };

  private writableChat(chatId: unknown): Chat {
    const key = String(chatId ?? '');
    if (key === '') throw new BotApiError(400, 'Bad Request: chat_id is empty');
    const known = this.history(key)[0]?.chat;
    if (!known) throw new BotApiError(400, 'Bad Request: chat not found');
    if (this.blocked.has(key)) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    return known;
  }

  private edit(p: Params, change: { text?: string }): Message {
    const chat = this.writableChat(p['chat_id']);
    const old = this.message(chat.id, Number(p['message_id']));
    if (!old) throw new BotApiError(400, 'Bad Request: message to edit not found');
    if (old.from?.id !== this.bot.id) throw new BotApiError(400, "Bad Request: message can't be edited");
    // Without reply_markup, an edit removes the inline keyboard, as on Telegram.
    const markup = checkMarkup(p['reply_markup']);
    const text = change.text ?? old.text;
    if (text === old.text && JSON.stringify(markup) === JSON.stringify(old.reply_markup)) {
      throw new BotApiError(400, NOT_MODIFIED);
    }
    const { reply_markup: _dropped, ...rest } = old;
    const edited: Message = { ...rest, ...(text !== undefined && { text }), edit_date: nowSeconds() };
    if (markup) edited.reply_markup = markup;
    this.messages.get(String(chat.id))!.set(old.message_id, edited);
    return edited;
  }

  private store(chat: Chat, message: Message): Message {
    const key = String(chat.id);
    const id = (this.lastMessageId.get(key) ?? 0) + 1;
    this.lastMessageId.set(key, id);
    const stored = { ...message, message_id: id } as Message;
    const inChat = this.messages.get(key) ?? new Map<number, Message>();
    this.messages.set(key, inChat);
    inChat.set(id, stored);
    return stored;
  }
}

function checkText(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new BotApiError(400, 'Bad Request: message text is empty');
  }
  if (text.length > MAX_TEXT) throw new BotApiError(400, 'Bad Request: message is too long');
  return text;
}

function checkMarkup(markup: unknown): InlineKeyboardMarkup | undefined {
  if (markup === undefined || markup === null) return undefined;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw new BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object");
  }
  for (const button of rows.flat() as { text?: unknown; callback_data?: unknown; url?: unknown }[]) {
    if (typeof button?.text !== 'string' || button.text === '') {
      throw new BotApiError(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
    }
    const data = button.callback_data;
    if (data !== undefined && (typeof data !== 'string' || data === '' || Buffer.byteLength(data) > 64)) {
      throw new BotApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
    }
    if (data === undefined && typeof button.url !== 'string') {
      throw new BotApiError(400, 'Bad Request: BUTTON_TYPE_INVALID');
    }
  }
  return markup as InlineKeyboardMarkup;
}
