/**
 * The fleet in /metrics: whether this instance holds each lease (summed over
 * a fleet it must be 1 per role: 0 means nobody runs it, 2 means two do), how
 * many times it took it, and the push bus's traffic to the other instances
 * (dropped batches mean remote dashboards missed updates).
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

export interface PushBusTraffic {
  sent: number;
  received: number;
  updatesSent: number;
  failed: number;
}

/** The push bus's counters; no samples without REDIS_URL. */
export function registerPushBusMetrics(registry: Registry, traffic: () => PushBusTraffic | undefined): void {
  const families: [string, string, (t: PushBusTraffic) => number][] = [
    [
      'tradeloop_push_bus_messages_sent_total',
      'Messages this instance published to the other instances',
      (t) => t.sent,
    ],
    [
      'tradeloop_push_bus_messages_received_total',
      'Messages from the other instances delivered here',
      (t) => t.received,
    ],
    [
      'tradeloop_push_bus_updates_sent_total',
      'Updates (topic, key) carried by the messages sent',
      (t) => t.updatesSent,
    ],
    [
      'tradeloop_push_bus_dropped_total',
      'Batches not sent (Redis away or refusing): remote clients missed them',
      (t) => t.failed,
    ],
  ];
  for (const [name, help, value] of families) {
    registerCollected(
      registry,
      new SnapshotMetric(name, help, 'counter', () => {
        const t = traffic();
        return t ? [{ labels: {}, value: value(t) }] : [];
      }),
    );
  }
}
