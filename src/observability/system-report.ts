/**
 * The process and its host for /api/v1/performance/system: CPU (share of
 * one core since the previous report), memory, free disk under DATA_DIR,
 * event-loop lag and uptime.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventLoopLag, LagSnapshot } from './event-loop-lag.js';

export interface SystemReport {
  uptimeSeconds: number;
  cpu: { percent: number; userSeconds: number; systemSeconds: number; cores: number; loadAverage: number[] };
  memory: {
    rssBytes: number;
    heapUsedBytes: number;
    heapTotalBytes: number;
    externalBytes: number;
    systemFreeBytes: number;
    systemTotalBytes: number;
  };
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  eventLoopLagMs: LagSnapshot;
}

/** CPU use between successive calls, in percent of one core. */
export class CpuMeter {
  private lastUsage = process.cpuUsage();
  private lastAt = performance.now();

  percent(): number {
    const usage = process.cpuUsage();
    const at = performance.now();
    const cpuUs = usage.user - this.lastUsage.user + (usage.system - this.lastUsage.system);
    const wallUs = (at - this.lastAt) * 1000;
    this.lastUsage = usage;
    this.lastAt = at;
    return wallUs <= 0 ? 0 : Math.round((cpuUs / wallUs) * 1000) / 10;
  }
}

/** Free space of the file system holding `dir` (or its nearest existing ancestor, before the first write). */
async function disk(dir: string): Promise<SystemReport['disk']> {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    try {
      const s = await fs.statfs(p);
      return { path: p, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch {
      if (p === path.dirname(p)) return null;
    }
  }
}

export async function systemReport(dataDir: string, lag: EventLoopLag, cpu: CpuMeter): Promise<SystemReport> {
  const mem = process.memoryUsage();
  const usage = process.cpuUsage();
  return {
    uptimeSeconds: Math.round(process.uptime()),
    cpu: {
      percent: cpu.percent(),
      userSeconds: usage.user / 1e6,
      systemSeconds: usage.system / 1e6,
      cores: os.availableParallelism(),
      loadAverage: os.loadavg(),
    },
    memory: {
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      systemFreeBytes: os.freemem(),
      systemTotalBytes: os.totalmem(),
    },
    disk: await disk(dataDir),
    eventLoopLagMs: lag.snapshot(),
  };
}
