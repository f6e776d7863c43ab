/**
 * How a job's result is stored: JSON text up to JOB_RESULT_MAX_BYTES, and
 * gzip-compressed JSON above it. Compressed, not truncated: a result is the
 * job's whole answer (a Monte Carlo `fromJob` reads a backtest's every trade
 * return), and a cut result would be a wrong one. Numeric JSON shrinks about
 * 3-5x; gzip compresses and inflates fast, and both run on libuv's thread
 * pool, off the event loop. Reading gives back exactly the JSON that was
 * stored, either way.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

export interface StoredResult {
  /** The JSON text, when it fits the bound. */
  result: string | null;
  /** The JSON text gzip-compressed, when it does not. */
  resultGzip: Buffer | null;
}

/**
 * @example
 * const stored = await encodeResult(JSON.stringify(result), 262_144);
 */
export async function encodeResult(json: string, maxBytes: number): Promise<StoredResult> {
  if (json.length <= maxBytes / 3 || Buffer.byteLength(json) <= maxBytes)
    return { result: json, resultGzip: null };
  return { result: null, resultGzip: await gzip(json) };
}

/** The stored result as JSON text (null when there is none). */
export async function resultText(row: {
  result: string | null;
  result_gzip: Uint8Array | null;
}): Promise<string | null> {
  if (row.result !== null) return row.result;
  if (row.result_gzip === null) return null;
  return (await gunzip(row.result_gzip)).toString('utf8');
}
