/** Each domain error maps to its own short chat reply; anything else to an apology without internals. */
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError } from '../../src/domain/conflict.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from '../../src/domain/errors.js';
import { errorReply, SOMETHING_WENT_WRONG } from '../../src/telegram/error-replies.js';

describe('error replies', () => {
  it('gives each domain error a short message of its own', () => {
    const cases: [Error, string][] = [
      [new ValidationError('bad'), '⚠️ bad'],
      [new NotFoundError('gone'), '🔍 gone'],
      [new ForbiddenError('not yours'), '⛔ not yours'],
      [new ConflictError('Position 1 is already closed'), '⚠️ Position 1 is already closed'],
      [
        new ConflictError('Trader 3 is at version 4, not 3', {
          details: [{ path: 'headers.if-match', message: '' }],
        }),
        '⚠️ That changed meanwhile; look again and retry.',
      ],
      [new AlreadyExistsError('taken'), '⚠️ taken'],
      [new RateLimitedError('slow down', 2500), '⏳ Too many requests. Try again in 3 s.'],
      [
        new UnavailableError('db down'),
        '⏳ A service behind tradeloop is not answering right now. Try again in a moment.',
      ],
      [
        new TimeoutError('slow'),
        '⏳ A service behind tradeloop is not answering right now. Try again in a moment.',
      ],
    ];
    for (const [err, text] of cases) expect(errorReply(err)).toEqual({ text, unexpected: false });
  });

  it('never shows internals of an unexpected error', () => {
    const r = errorReply(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(r).toEqual({ text: SOMETHING_WENT_WRONG, unexpected: true });
  });
});
