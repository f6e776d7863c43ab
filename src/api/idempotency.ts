/**
 * `Idempotency-Key` on creating routes (jobs, orders, positions): a retry
 * with the same key from the same user gets the first answer again (status,
 * body, Location/ETag, plus `Idempotent-Replayed: true`) and creates nothing.
 *
 * - The key is claimed before the handler runs; the (user, key) primary key
 *   lets only one request claim it, so a concurrent duplicate answers 409
 *   IDEMPOTENCY_KEY_IN_FLIGHT (Retry-After: 1) instead of creating twice.
 * - A key reused with another body or route answers 422
 *   IDEMPOTENCY_KEY_REUSED.
 * - Only a successful (2xx) answer is kept. A failed request wrote nothing,
 *   so its claim is released and a retry runs afresh (a 503 during an outage
 *   must not be replayed after it).
 * - Keys live IDEMPOTENCY_KEY_TTL_MS (24 h) per user; maintenance sweeps them.
 *
 * @example
 * app.post('/orders', { schema, ...idempotent(s.idempotency) }, handler);
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import type { Clock } from '../domain/clock.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, ValidationError } from '../domain/errors.js';
import type { IdempotencyRepository } from '../store/idempotency-repository.js';
import { currentUser } from './auth.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Response headers replayed with the stored answer. */
const KEPT_HEADERS = ['location', 'etag'] as const;
const IN_FLIGHT_RETRY_MS = 1000;

export interface IdempotencyDeps {
  repo: Pick<IdempotencyRepository, 'claim' | 'complete' | 'release'>;
  clock: Clock;
  ttlMs: number;
}

/** The header's key, undefined when absent; a 400 naming the header when it is not 1-255 printable ASCII characters. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const fail = (message: string): never => {
    throw new ValidationError(`Idempotency-Key header ${message}`, {
      details: [{ path: `headers.${IDEMPOTENCY_HEADER}`, message }],
    });
  };
  if (Array.isArray(raw)) return fail('must be sent once');
  if (raw.length === 0) return fail('must not be empty');
  if (raw.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    return fail(`must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${raw.length})`);
  if (!/^[\x20-\x7e]+$/.test(raw)) return fail('must be printable ASCII characters only');
  return raw;
}

function fingerprint(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url ?? req.url}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
}

interface Claimed {
  userId: number;
  key: string;
}

/** Route options (hooks) that make a creating route honour Idempotency-Key; none without deps. */
export function idempotent(deps: IdempotencyDeps | undefined): {
  preHandler?: preHandlerHookHandler;
  onSend?: onSendHookHandler;
} {
  if (!deps) return {};
  const claims = new WeakMap<FastifyRequest, Claimed>();

  const preHandler = async (req: FastifyRequest, reply: FastifyReply) => {
    const key = parseIdempotencyKey(req.headers[IDEMPOTENCY_HEADER]);
    if (key === undefined) return;
    const userId = currentUser(req).id;
    const claim = await deps.repo.claim(userId, key, fingerprint(req), deps.clock.now(), deps.ttlMs);
    switch (claim.kind) {
      case 'claimed':
        claims.set(req, { userId, key });
        return;
      case 'mismatch':
        throw new IdempotencyKeyReusedError(
          `Idempotency-Key ${JSON.stringify(key)} was already used with a different request (another body or route); use a new key for a new request`,
          {
            details: [
              { path: `headers.${IDEMPOTENCY_HEADER}`, message: 'already used with a different request' },
            ],
          },
        );
      case 'in-flight':
        throw new IdempotencyKeyInFlightError(
          `the first request with Idempotency-Key ${JSON.stringify(key)} has not answered yet; retry after it has`,
          IN_FLIGHT_RETRY_MS,
        );
      case 'replay':
        return reply
          .status(claim.status)
          .headers({
            ...claim.headers,
            'content-type': 'application/json; charset=utf-8',
            'idempotent-replayed': 'true',
          })
          .send(claim.body);
    }
  };

  const onSend = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claimed = claims.get(req);
    if (!claimed) return payload;
    claims.delete(req);
    try {
      if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
        const headers: Record<string, string> = {};
        for (const h of KEPT_HEADERS) {
          const v = reply.getHeader(h);
          if (v !== undefined) headers[h] = String(v);
        }
        await deps.repo.complete(claimed.userId, claimed.key, {
          status: reply.statusCode,
          body: payload,
          headers,
        });
      } else {
        await deps.repo.release(claimed.userId, claimed.key);
      }
    } catch (err) {
      // The answer stands; the key stays claimed (retries get 409 until it expires), never a second creation.
      req.log.error({ err }, 'idempotency key could not be recorded');
    }
    return payload;
  };

  return { preHandler, onSend };
}
