import { describe, expect, it } from 'vitest';
import { DependencyOutages } from '../../src/observability/dependency-outages.js';

describe('DependencyOutages', () => {
  it('logs an outage once when it starts and once when it ends, with its duration', () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const log = {
      warn: (obj: object, msg: string) =>
        lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
      info: (obj: object, msg: string) =>
        lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    };
    let now = 1_000_000;
    const outages = new DependencyOutages(log, () => now);
    expect(outages.up('redis')).toBeUndefined();
    for (let i = 0; i < 50; i++) {
      outages.down('redis', new Error(`refused ${i}`));
      now += 500;
    }
    expect(outages.current('redis')).toMatchObject({ since: 1_000_000, cause: 'refused 0' });
    const end = outages.up('redis');
    outages.up('redis');
    expect(end).toEqual({ dependency: 'redis', since: 1_000_000, durationMs: 25_000 });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'dependency redis unavailable: refused 0' }),
      expect.objectContaining({ level: 'info', msg: 'dependency redis recovered after 25.0 s' }),
    ]);
    expect(lines[1]!.obj['durationMs']).toBe(25_000);
    expect(outages.list()).toEqual([]);
  });
});
