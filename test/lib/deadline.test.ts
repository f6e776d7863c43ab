import { describe, expect, it } from 'vitest';
import { withDeadline } from '../../src/lib/deadline.js';

const never = () => new Promise<never>(() => {});
const resolveAfter = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(r, ms, v));

describe('withDeadline', () => {
  it("gives the work's value, or its error, when it settles first", async () => {
    await expect(withDeadline(resolveAfter(1, 'done'), 1_000, () => 'late')).resolves.toBe('done');
    await expect(
      withDeadline(Promise.reject(new Error('venue said no')), 1_000, () => 'late'),
    ).rejects.toThrow('venue said no');
  });

  it("gives late()'s value, or throws what it throws, once the time passes first", async () => {
    await expect(withDeadline(never(), 5, () => false)).resolves.toBe(false);
    await expect(
      withDeadline(never(), 5, () => {
        throw new Error('Redis did not answer within 5 ms');
      }),
    ).rejects.toThrow('Redis did not answer within 5 ms');
  });

  it('leaves no timer behind, and a work that fails after its deadline is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', listener);
    try {
      const slow = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('too late')), 20));
      await expect(withDeadline(slow, 1, () => 'late')).resolves.toBe('late');
      await resolveAfter(40, undefined);
      expect(unhandled).toEqual([]);
      const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      await withDeadline(resolveAfter(1, 1), 60_000, () => 0);
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
