/**
 * One chat-completions request through the official `openai` client, to any
 * server speaking that API (AI_BASE_URL): streaming off, temperature 0, a
 * JSON `response_format`, no client retries (a failed candidate falls back
 * to the rules instead of waiting; only a lost connection is sent again),
 * and AI_TIMEOUT_MS per request. Every failure comes back as an outcome with
 * a short detail, never a throw, and the API key never appears in a detail.
 * The client (about 150 modules) is loaded on the first request, so a
 * service without an AI stage does not carry it.
 */
import type OpenAI from 'openai';
import type { CallOutcome } from '../../store/model-call-repository.js';
import { SCHEMAS, type SchemaName } from './answers.js';

export interface ChatModelOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  responseFormat: 'json_schema' | 'json_object';
  maxOutputTokens: number;
}

export interface ChatRequest {
  model: string;
  system: string;
  user: string;
  schema: SchemaName;
}

export type ChatReply =
  | { ok: true; content: string; tokensIn: number; tokensOut: number }
  | {
      ok: false;
      outcome: Exclude<CallOutcome, 'ok' | 'skipped-budget' | 'skipped-retry-after'>;
      detail: string;
      tokensIn: number;
      tokensOut: number;
      /** From Retry-After (429/503): when the provider may be asked again. */
      retryAfterMs?: number;
    };

/** Retry-After as ms: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class ChatModel {
  /** The client and its error classes, loaded once on first use. */
  private client: Promise<{ api: typeof OpenAI; client: OpenAI }> | undefined;

  constructor(private readonly o: ChatModelOptions) {}

  private load(): Promise<{ api: typeof OpenAI; client: OpenAI }> {
    this.client ??= import('openai').then(({ default: api }) => ({
      api,
      client: new api({
        baseURL: this.o.baseUrl,
        // Local servers need no key; the client insists on one, so a placeholder is sent.
        apiKey: this.o.apiKey === '' ? 'none' : this.o.apiKey,
        timeout: this.o.timeoutMs,
        maxRetries: 0,
      }),
    }));
    return this.client;
  }

  /**
   * One request; a connection lost before any answer (a kept-alive socket the
   * server had just closed) is sent once more, nothing else is retried.
   */
  async complete(r: ChatRequest): Promise<ChatReply> {
    const first = await this.once(r);
    return !first.ok && first.outcome === 'unavailable' ? this.once(r) : first;
  }

  private async once(r: ChatRequest): Promise<ChatReply> {
    const wantsSchema = this.o.responseFormat === 'json_schema';
    const { api, client } = await this.load();
    try {
      const res = await client.chat.completions.create({
        model: r.model,
        messages: [
          {
            role: 'system',
            content: wantsSchema
              ? r.system
              : `${r.system}\nJSON schema: ${JSON.stringify(SCHEMAS[r.schema])}`,
          },
          { role: 'user', content: r.user },
        ],
        response_format: wantsSchema
          ? {
              type: 'json_schema',
              json_schema: { name: r.schema, strict: true, schema: { ...SCHEMAS[r.schema] } },
            }
          : { type: 'json_object' },
        stream: false,
        temperature: 0,
        max_completion_tokens: this.o.maxOutputTokens,
      });
      const tokensIn = res.usage?.prompt_tokens ?? 0;
      const tokensOut = res.usage?.completion_tokens ?? 0;
      const choice = res.choices[0];
      const content = choice?.message.content;
      if (!choice || typeof content !== 'string') {
        const refusal = choice?.message.refusal;
        const detail = refusal ? `model refused: ${refusal.slice(0, 200)}` : 'answer has no content';
        return { ok: false, outcome: 'rejected', detail, tokensIn, tokensOut };
      }
      if (choice.finish_reason !== 'stop') {
        return {
          ok: false,
          outcome: 'rejected',
          detail: `answer cut short (finish_reason ${choice.finish_reason})`,
          tokensIn,
          tokensOut,
        };
      }
      return { ok: true, content, tokensIn, tokensOut };
    } catch (err) {
      return { ...this.failure(err, api), tokensIn: 0, tokensOut: 0 };
    }
  }

  private failure(
    err: unknown,
    api: typeof OpenAI,
  ): Omit<Extract<ChatReply, { ok: false }>, 'tokensIn' | 'tokensOut'> {
    if (err instanceof api.APIConnectionTimeoutError)
      return { ok: false, outcome: 'timeout', detail: `no answer within ${this.o.timeoutMs} ms` };
    if (err instanceof api.APIConnectionError)
      return {
        ok: false,
        outcome: 'unavailable',
        detail: this.scrub(`cannot reach the provider: ${err.message}`),
      };
    if (err instanceof api.APIError) {
      const status = err.status ?? 0;
      const after = retryAfterMs(err.headers, Date.now());
      const code = err.code ?? err.type ?? 'error';
      const base = {
        ok: false as const,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      };
      if (status === 429) return { ...base, outcome: 'rate-limited', detail: `HTTP 429 ${code}` };
      if (status >= 500) return { ...base, outcome: 'server-error', detail: `HTTP ${status} ${code}` };
      // 401/403 messages may echo part of the key: only the code is kept.
      const message = status === 401 || status === 403 ? '' : `: ${err.message.slice(0, 200)}`;
      return { ...base, outcome: 'refused', detail: this.scrub(`HTTP ${status} ${code}${message}`) };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, outcome: 'unavailable', detail: this.scrub(message.slice(0, 200)) };
  }

  private scrub(text: string): string {
    return this.o.apiKey === '' ? text : text.split(this.o.apiKey).join('[redacted]');
  }
}
