/**
 * A loopback server speaking the OpenAI chat-completions API, for tests and
 * benchmarks: a real HTTP server on 127.0.0.1 that the official `openai`
 * client talks to (`baseURL`). `POST /v1/chat/completions` checks the bearer
 * key (401 `invalid_api_key`), the body (400 `invalid_request_error` naming
 * the `param`: model, messages, response_format — `json_schema` needs a name
 * and a schema, `json_object` needs the word "json" in the messages), and
 * refuses `stream: true` (the client here never streams). It answers a
 * `chat.completion` object with `usage` tokens, or what the test's responder
 * says: an error envelope `{ error: { message, type, param, code } }` with a
 * status (429 with `Retry-After`, 500), a slow answer, none at all, or a cut
 * connection.
 * Every request is recorded.
 */
import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  response_format?: { type: string; json_schema?: { name?: string; strict?: boolean; schema?: unknown } };
  stream?: boolean;
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
  [k: string]: unknown;
}

/** What the server does with one valid request. */
export type Reply =
  | { content: string; delayMs?: number; finishReason?: 'stop' | 'length' }
  | { status: 429; retryAfterS: number }
  | { status: 500 | 502 | 503 }
  | { hang: true }
  /** The connection is cut before any answer (as a server closing a kept-alive socket). */
  | { drop: true };

export type Responder = (req: ChatRequest, n: number) => Reply | Promise<Reply>;

export interface RecordedCall {
  authorization: string | undefined;
  body: ChatRequest;
  at: number;
}

/** Tokens as a tokenizer-free estimate: a quarter of the characters, rounded up. */
export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

const envelope = (message: string, type: string, param: string | null, code: string | null) => ({
  error: { message, type, param, code },
});

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** The request's problem as OpenAI words it (status 400), or null. */
function problemOf(body: ChatRequest): { message: string; param: string } | null {
  if (typeof body.model !== 'string' || body.model === '')
    return { message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return {
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      param: 'messages',
    };
  for (const [i, m] of body.messages.entries()) {
    if (typeof m?.role !== 'string' || typeof m.content !== 'string')
      return {
        message: `Invalid 'messages[${i}]': expected a role and a string content.`,
        param: `messages[${i}]`,
      };
  }
  if (body.stream === true) return { message: 'this fake answers stream: false only', param: 'stream' };
  const rf = body.response_format;
  if (rf === undefined || rf.type === 'text') return null;
  if (rf.type === 'json_schema') {
    const js = rf.json_schema;
    if (!js || typeof js.name !== 'string' || !/^[\w-]{1,64}$/.test(js.name))
      return {
        message: "Missing required parameter: 'response_format.json_schema.name'.",
        param: 'response_format.json_schema.name',
      };
    if (typeof js.schema !== 'object' || js.schema === null)
      return {
        message: "Invalid 'response_format.json_schema.schema'.",
        param: 'response_format.json_schema.schema',
      };
    return null;
  }
  if (rf.type === 'json_object') {
    const saysJson = body.messages.some((m) => /json/i.test(m.content));
    return saysJson
      ? null
      : {
          message:
            "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
          param: 'messages',
        };
  }
  return {
    message: `Invalid value: '${rf.type}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
    param: 'response_format.type',
  };
}

export class ChatCompletionsServer {
  readonly calls: RecordedCall[] = [];
  private server: http.Server | undefined;
  private seq = 0;
  private readonly open = new Set<ServerResponse>();

  constructor(
    private responder: Responder,
    private readonly apiKey = 'sk-loopback',
  ) {}

  /** Replaces the responder (e.g. to turn a fault on). */
  respond(responder: Responder): void {
    this.responder = responder;
  }

  /** `http://127.0.0.1:<port>/v1`, the client's baseURL. */
  get baseUrl(): string {
    const a = this.server?.address() as AddressInfo | undefined;
    if (!a) throw new Error('server not started');
    return `http://127.0.0.1:${a.port}/v1`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      send(res, 404, envelope(`Invalid URL (${req.method} ${req.url})`, 'invalid_request_error', null, null));
      return;
    }
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${this.apiKey}`) {
      // Worse than the real API (which masks it): the key sent is echoed back, so a client that logs messages leaks it.
      const sent = auth?.replace(/^Bearer /, '') ?? '';
      send(
        res,
        401,
        envelope(`Incorrect API key provided: ${sent}.`, 'invalid_request_error', null, 'invalid_api_key'),
      );
      return;
    }
    let body: ChatRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    } catch {
      send(
        res,
        400,
        envelope('We could not parse the JSON body of your request.', 'invalid_request_error', null, null),
      );
      return;
    }
    const problem = problemOf(body);
    if (problem) {
      send(res, 400, envelope(problem.message, 'invalid_request_error', problem.param, null));
      return;
    }
    this.calls.push({ authorization: auth, body, at: Date.now() });
    const n = this.seq++;
    const reply = await this.responder(body, n);
    if ('drop' in reply) {
      req.socket.destroy();
      return;
    }
    if ('hang' in reply) {
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      return;
    }
    if ('status' in reply) {
      if (reply.status === 429) {
        send(
          res,
          429,
          envelope(
            `Rate limit reached for ${body.model} on requests per min (RPM).`,
            'requests',
            null,
            'rate_limit_exceeded',
          ),
          { 'retry-after': String(reply.retryAfterS) },
        );
      } else {
        send(
          res,
          reply.status,
          envelope('The server had an error while processing your request.', 'server_error', null, null),
        );
      }
      return;
    }
    if (reply.delayMs) {
      this.open.add(res);
      await new Promise((r) => setTimeout(r, reply.delayMs));
      this.open.delete(res);
    }
    const promptTokens = tokensOf(body.messages.map((m) => m.content).join('\n'));
    const completionTokens = tokensOf(reply.content);
    send(res, 200, {
      id: `chatcmpl-loopback${n}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: reply.finishReason ?? 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_loopback',
    });
  }
}
