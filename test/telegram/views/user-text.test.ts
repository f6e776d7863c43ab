/** Echoes of user text are bounded; whole messages fit Telegram's limit. */
import { describe, expect, it } from 'vitest';
import {
  fitMessage,
  MAX_ECHO,
  MAX_MESSAGE_LENGTH,
  quoteUserText,
} from '../../../src/telegram/views/user-text.js';

describe('user text in replies', () => {
  it('quotes short text as it is and cuts long text with an ellipsis', () => {
    expect(quoteUserText('Ansem')).toBe('"Ansem"');
    const long = 'x'.repeat(5_000);
    expect(quoteUserText(long)).toBe(`"${'x'.repeat(MAX_ECHO)}…"`);
    expect(quoteUserText('abcdef', 3)).toBe('"abc…"');
  });

  it('cuts by code point, never through an emoji', () => {
    expect(quoteUserText('😀😀😀', 2)).toBe('"😀😀…"');
    const text = `${'a'.repeat(MAX_MESSAGE_LENGTH - 2)}😀😀`;
    const fitted = fitMessage(text);
    expect(fitted.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(fitted.endsWith('a…')).toBe(true);
  });

  it('leaves a message within the limit alone', () => {
    const text = 'y'.repeat(MAX_MESSAGE_LENGTH);
    expect(fitMessage(text)).toBe(text);
    expect(fitMessage(`${text}z`)).toHaveLength(MAX_MESSAGE_LENGTH);
  });
});
