/**
 * The stream's wire format: parsing client messages (every problem becomes a
 * ValidationError that names it), the server frames, and the close codes.
 * The protocol itself is documented in src/api/routes/stream.ts.
 */
import { ValidationError } from '../../domain/errors.js';
import type { Static } from '../json-schema.js';
import type { StreamClientMessageJson } from '../requests/stream.js';
import { checkTopic } from './topics.js';

/** A client's message (its schema documents it at /openapi.json; `parseClientMessage` checks it). */
export type ClientMessage = Static<typeof StreamClientMessageJson>;

/** Close codes: 1xxx from RFC 6455, 4xxx are ours (the application range). */
export const CloseCode = {
  goingAway: 1001,
  messageTooBig: 1009,
  internalError: 1011,
  unauthorized: 4001,
  tooSlow: 4008,
} as const;

const MAX_REASON_BYTES = 123;

/** A close reason cut to the 123 bytes a close frame can carry, never inside a character. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > MAX_REASON_BYTES - 3) break;
    out += ch;
    bytes += n;
  }
  return `${out}...`;
}

const TYPES = 'auth, subscribe, unsubscribe or ping';

/**
 * Parses one text frame from a client.
 * @param maxTopics how many topics one subscribe or unsubscribe may name
 * @throws ValidationError naming the problem (malformed JSON, unknown type, bad topics)
 */
export function parseClientMessage(text: string, maxTopics: number): ClientMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
    throw new ValidationError(`a message must be a JSON object with a "type" (${TYPES})`);
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'ping':
      return { type: 'ping' };
    case 'auth':
      if (typeof m.token !== 'string' || m.token === '')
        throw new ValidationError('an auth message needs a "token" string');
      return { type: 'auth', token: m.token };
    case 'subscribe':
    case 'unsubscribe':
      return { type: m.type, topics: parseTopics(m.topics, maxTopics) };
    default: {
      const shown = typeof m.type === 'string' ? `"${m.type.slice(0, 40)}"` : String(m.type);
      throw new ValidationError(`unknown message type ${shown}: expected ${TYPES}`);
    }
  }
}

function parseTopics(value: unknown, maxTopics: number): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new ValidationError('"topics" must be a non-empty array of topic names');
  if (value.length > maxTopics)
    throw new ValidationError(`too many topics: ${value.length} in one message, at most ${maxTopics}`);
  return [...new Set(value.map(checkTopic))];
}

/** Server frames other than updates (those are built once per publish by the hub). */
export const frames = {
  ready: (userId: number) => JSON.stringify({ type: 'ready', userId }),
  subscribed: (topics: readonly string[]) => JSON.stringify({ type: 'subscribed', topics }),
  unsubscribed: (topics: readonly string[]) => JSON.stringify({ type: 'unsubscribed', topics }),
  pong: () => '{"type":"pong"}',
  error: (code: string, message: string) => JSON.stringify({ type: 'error', code, message }),
};

/** The one update frame of a publish, as the bytes every subscriber is sent. */
export function updateFrame(topic: string, key: string, data: unknown, ts: number): Buffer {
  return Buffer.from(JSON.stringify({ type: 'update', topic, key, data, ts }));
}
