/** The status table covers the whole error catalogue (the type says so; this checks the values). */
import { describe, expect, it } from 'vitest';
import { STATUS_BY_CODE } from '../../src/api/error-mapper.js';
import { ERROR_CODES } from '../../src/domain/errors.js';

describe('STATUS_BY_CODE', () => {
  it('gives every code an HTTP error status and nothing else', () => {
    for (const code of ERROR_CODES) expect(STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual([...ERROR_CODES].sort());
    expect(STATUS_BY_CODE.CONFIG_INVALID).toBe(500);
    expect(STATUS_BY_CODE.WORKER_LOST).toBe(503);
  });
});
