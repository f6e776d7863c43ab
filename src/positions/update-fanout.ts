/**
 * The one place changes are published to: forwards each update to every
 * attached sink (the WebSocket hub of this instance). With nothing attached,
 * publishing costs a loop over an empty set and `wants` says no.
 */
import type { UpdateSink } from './update-sink.js';

export class UpdateFanout implements UpdateSink {
  private readonly sinks = new Set<UpdateSink>();

  attach(sink: UpdateSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  publish(topic: string, key: string, data: unknown, userId?: number): void {
    for (const s of this.sinks) s.publish(topic, key, data, userId);
  }

  wants(topic: string, userId?: number): boolean {
    for (const s of this.sinks) if (!s.wants || s.wants(topic, userId)) return true;
    return false;
  }
}
