/**
 * The API client: JSON over fetch with the bearer token, errors turned into
 * ApiError carrying the server's `{error: {code, message, details}}`.
 */
import { fieldWords, inWords, withLabel } from './field-words';
import { readToken } from './token-store';
import type { ErrorDetail } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** The message for one field in words ("Stop loss already reached at ..."), else the main one. */
  forField(field: string): string {
    const d = this.details.find((x) => x.path === field || x.path.endsWith(`.${field}`));
    return d ? withLabel(fieldWords(d.path), d.message) : inWords(this.message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the server answers 401 (a revoked or wrong token): the app goes back to the login. */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
  signal?: AbortSignal;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const token = opts.token ?? readToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: ErrorDetail[] } })?.error;
    if (res.status === 401 && !opts.token) for (const fn of unauthorizedListeners) fn();
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.details);
  }
  return body as T;
}

/**
 * `q` as a query string ("a=1&b=x", no "?"), fields left undefined or empty
 * left out. Give it a query type from ./types (`{...} satisfies OrderFilter`)
 * so the fields are the ones the server reads.
 */
export function queryString(q: Record<string, string | number | boolean | undefined>): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') out.set(k, String(v));
  return out.toString();
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every page of a cursor list, `onPage` called as each arrives (so a table can fill progressively). */
export async function allPages<T>(
  path: string,
  limit: number,
  onPage?: (items: T[]) => void,
  signal?: AbortSignal,
  /** Size of the pages after the first (a small first page paints sooner). @default limit */
  laterLimit = limit,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const size = out.length === 0 ? limit : laterLimit;
    const q: string = `${sep}limit=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Page<T> = await api<Page<T>>(`${path}${q}`, { signal });
    out.push(...page.items);
    onPage?.(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Error text for anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const text = inWords(err.message);
    return err.status >= 500 ? `${text} (${err.status} ${err.code})` : text;
  }
  return err instanceof Error ? err.message : String(err);
}
