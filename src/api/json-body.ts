/**
 * JSON request bodies, parsed so that no amount is silently changed.
 *
 * `JSON.parse` turns every number into a double: `1.000000000000000001`
 * arrives as `1`, `0.30000000000000001` as `0.3`, so an overfilled order
 * looked filled and a valid partial fill looked filled. Amounts are compared
 * exactly (domain/decimal.ts), but only if they reach the rules intact. So a
 * number literal that a double cannot carry (its decimal value differs from
 * the double's shortest form) is handed on as the string of its digits:
 * amount fields take decimal strings, and a field that must be a number
 * answers 400 instead of using a value the client did not send. Numbers a
 * double carries exactly (0.1, 1e-7, 42) are untouched.
 *
 * An empty body is no body (a `DELETE` with `Content-Type: application/json`
 * and nothing after it): routes that need a body say so in their schema.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/**
 * Cheap pre-check: a double carries every decimal of up to 15 significant
 * digits in its normal range, so only 16+ digits in a row (a point allowed)
 * or a three-digit exponent can be lossy. Matches inside strings only cost
 * the full scan.
 */
const MAYBE_LOSSY = /\d[\d.]{15}|[eE][+-]?\d{3}/;

/** `-?digits e exp` with no leading or trailing zeros in the digits; zero has no sign. */
function scientific(literal: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return literal;
  const frac = m[3] ?? '';
  let digits = (m[2]! + frac).replace(/^0+/, '');
  let exp = Number(m[4] ?? 0) - frac.length;
  if (digits === '') return '0';
  const trimmed = digits.replace(/0+$/, '');
  exp += digits.length - trimmed.length;
  digits = trimmed;
  return `${m[1]}${digits}e${exp}`;
}

/** True when the double `literal` parses to does not have the literal's decimal value. */
export function isLossyNumber(literal: string): boolean {
  const d = Number(literal);
  if (!Number.isFinite(d)) return true;
  return scientific(literal) !== scientific(String(d));
}

const isNumberChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69;

/**
 * `text` with every number literal that a double would change written as a
 * JSON string of the same digits; the text itself when there is none.
 *
 * @example
 * quoteLossyNumbers('{"q":1.000000000000000001,"p":0.1}'); // '{"q":"1.000000000000000001","p":0.1}'
 */
export function quoteLossyNumbers(text: string): string {
  if (!MAYBE_LOSSY.test(text)) return text;
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: jump to its closing quote, one not escaped by an odd run of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end > 0) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 92) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end < 0 ? n : end + 1;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      let exponent = false;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 101 || d === 69) exponent = true;
        else if (!isNumberChar(d)) break;
      }
      // Fewer than 16 characters and no exponent: exact. Only well-formed literals are
      // quoted (quoting a malformed one would make bad JSON parse).
      if (i - start < 16 && !exponent) continue;
      const literal = text.slice(start, i);
      if (JSON_NUMBER.test(literal) && isLossyNumber(literal)) {
        out += `${text.slice(copied, start)}"${literal}"`;
        copied = i;
      }
    } else i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Replaces Fastify's `application/json` parser (keeping its prototype-poisoning checks). */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      parse(req, quoteLossyNumbers(text), done);
    },
  );
}
