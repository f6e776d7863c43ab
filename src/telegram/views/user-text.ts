/**
 * User text in the bot's replies, bounded. Whatever a user typed may come
 * back in a reply ("no trader named …"), and Telegram refuses a message over
 * 4,096 characters, so an echo without a bound turns a long argument into no
 * answer at all. Every echo goes through `quoteUserText`; `fitMessage` is the
 * last guard before a reply whose text was built from anything unbounded.
 */

/** Telegram's limit on a message's text. */
export const MAX_MESSAGE_LENGTH = 4096;

/** The most characters of user text a reply quotes. */
export const MAX_ECHO = 40;

/** `text` in quotes, cut to `max` characters (by code point) with an ellipsis when longer. */
export function quoteUserText(text: string, max = MAX_ECHO): string {
  const chars = [...text];
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}

/** `text` cut to Telegram's message limit (UTF-16 units, as Telegram counts), marked when cut. */
export function fitMessage(text: string): string {
  if (text.length <= MAX_MESSAGE_LENGTH) return text;
  let cut = text.slice(0, MAX_MESSAGE_LENGTH - 1);
  // Never leave half a surrogate pair at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
