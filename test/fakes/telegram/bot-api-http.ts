/**
 * The HTTP side of the fake Bot API: reading a method's parameters from a
 * JSON, urlencoded or multipart body, and writing Telegram's answers
 * (`{ ok: true, result }` or `{ ok: false, error_code, description }`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from 'grammy/types';
import type { BotApiError, Params } from './fake-chats.js';

/** Fields Telegram expects JSON-serialised when the body is a form. */
const JSON_FIELDS = new Set(['reply_markup', 'allowed_updates', 'commands', 'entities', 'scope']);

export function userFor(id: number): User {
  return { id, is_bot: false, first_name: `User ${id}`, language_code: 'en' };
}

export const refusal = (error_code: number, description: string, parameters?: BotApiError['parameters']) => ({
  ok: false,
  error_code,
  description,
  ...(parameters && { parameters }),
});

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function readParams(req: IncomingMessage): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return {};
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8')) as Params;
  // Form bodies, as Telegram accepts them: values are strings, objects are JSON-serialised.
  const form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': type }, body })
    .formData()
    .catch(() => new FormData());
  const out: Params = {};
  for (const [k, v] of form) {
    const text = typeof v === 'string' ? v : v.name;
    out[k] = JSON_FIELDS.has(k) ? JSON.parse(text) : text;
  }
  return out;
}
