/**
 * The one place changes are published to: forwards each update to every
 * attached sink (the WebSocket hub of this instance) and, in a fleet, to the
 * other instances (`remote`, the push bus), whose updates come back in
 * through `deliverLocal`. With nothing attached and no fleet, publishing
 * costs a loop over an empty set and `wants` says no.
 */
import type { UpdateSink } from './update-sink.js';

/** Where updates go for the other instances of a fleet. */
export interface RemoteUpdates {
  publish(u: { topic: string; key: string; data: unknown; userId?: number }): void;
}

export class UpdateFanout implements UpdateSink {
  private readonly sinks = new Set<UpdateSink>();
  private remote: RemoteUpdates | undefined;

  /** Sends every update to the other instances too (their clients may want it: `wants` says yes). */
  connectRemote(remote: RemoteUpdates): void {
    this.remote = remote;
  }

  /** An update from another instance: to this instance's sinks only. */
  deliverLocal(topic: string, key: string, data: unknown, userId?: number): void {
    for (const s of this.sinks) s.publish(topic, key, data, userId);
  }

  attach(sink: UpdateSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  publish(topic: string, key: string, data: unknown, userId?: number): void {
    for (const s of this.sinks) s.publish(topic, key, data, userId);
    this.remote?.publish(userId === undefined ? { topic, key, data } : { topic, key, data, userId });
  }

  wants(topic: string, userId?: number): boolean {
    if (this.remote) return true;
    for (const s of this.sinks) if (!s.wants || s.wants(topic, userId)) return true;
    return false;
  }
}
