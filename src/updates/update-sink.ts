/**
 * Where position and market changes are pushed (the WebSocket hub), seen from
 * the positions module: a port, so this module does not depend on the API.
 */
export interface UpdateSink {
  /** User-scoped topics (`positions`, `traders`) carry the user id; `markets:<id>` topics are public. */
  publish(topic: string, key: string, data: unknown, userId?: number): void;
  /** Whether anyone listens, so callers can skip building payloads nobody reads. */
  wants?(topic: string, userId?: number): boolean;
}

export const noUpdates: UpdateSink = { publish() {} };

/** The cache tag of one user's positions reads: dropped on that user's changes only. */
export const positionsTag = (userId: number): string => `positions:user:${userId}`;
