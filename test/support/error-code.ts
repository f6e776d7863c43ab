/** The stable code a promise fails with ('ok' when it resolves), for tests of error mapping. */
import { isAppError } from '../../src/domain/errors.js';

export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code : `other: ${String(err)}`;
  }
}
