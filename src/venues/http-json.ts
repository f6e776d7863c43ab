/**
 * One JSON request to an upstream HTTP API (a leader source's), bounded by a
 * timeout and failing as a domain error: 429 is RATE_LIMITED with the
 * Retry-After hint, any other non-2xx or a body that is not JSON is
 * DEPENDENCY_UNAVAILABLE naming `what`, no answer in time is TIMEOUT.
 */
import { RateLimitedError, TimeoutError, UnavailableError } from '../domain/errors.js';

/** Retry-After in seconds or as an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number {
  if (header === null || header.trim() === '') return 1000;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.ceil(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

export interface JsonRequest {
  url: URL | string;
  init?: RequestInit;
  /** Names the endpoint in error messages: "polymarket data API /trades". */
  what: string;
  timeoutMs: number;
  now: () => number;
  fetch?: typeof fetch;
}

export async function requestJson(r: JsonRequest): Promise<unknown> {
  const { what } = r;
  try {
    const res = await (r.fetch ?? globalThis.fetch)(r.url, {
      ...r.init,
      headers: { accept: 'application/json', ...(r.init?.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(r.timeoutMs),
    });
    const text = await res.text();
    if (res.status === 429)
      throw new RateLimitedError(
        `${what}: rate limited (HTTP 429)`,
        retryAfterMs(res.headers.get('retry-after'), r.now()),
      );
    if (!res.ok) throw new UnavailableError(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new UnavailableError(`${what}: the answer is not JSON: ${text.slice(0, 80)}`, { cause: err });
    }
  } catch (err) {
    if (err instanceof RateLimitedError || err instanceof UnavailableError) throw err;
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
      throw new TimeoutError(`${what}: no answer within ${r.timeoutMs} ms`, { cause: err });
    throw new UnavailableError(`${what}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}
