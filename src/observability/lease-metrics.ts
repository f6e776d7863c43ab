/**
 * Fleet leases in /metrics: whether this instance holds each role (summed
 * over a fleet it must be 1 per role: 0 means nobody runs it, 2 means two
 * do) and how many times it took it.
 */
import type { Registry } from 'prom-client';
import { registerCollected, SnapshotMetric } from './collected-metric.js';

export interface LeaseState {
  name: string;
  held: boolean;
  acquisitions: number;
}

export function registerLeaseMetrics(registry: Registry, leases: () => readonly LeaseState[]): void {
  registerCollected(
    registry,
    new SnapshotMetric(
      'tradeloop_fleet_lease_held',
      'This instance holds the fleet lease of a role (1) or not (0)',
      'gauge',
      () => leases().map((l) => ({ labels: { role: l.name }, value: l.held ? 1 : 0 })),
    ),
  );
  registerCollected(
    registry,
    new SnapshotMetric(
      'tradeloop_fleet_lease_acquisitions_total',
      'Times this instance took the fleet lease of a role',
      'counter',
      () => leases().map((l) => ({ labels: { role: l.name }, value: l.acquisitions })),
    ),
  );
}
