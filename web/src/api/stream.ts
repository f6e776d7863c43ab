/**
 * The WebSocket push stream (/api/v1/stream, protocol at the top of
 * src/api/routes/stream.ts): authenticates with the first message,
 * subscribes to `topics`, hands each update to `onUpdate`, and reconnects
 * with backoff (1 s doubling to 15 s) until closed. 4001 (bad token) does
 * not retry. The messages both ways have the server's schemas' types
 * (`StreamServerMessage`, `StreamClientMessage`).
 *
 * A push reaches only a subscribed socket: what changed before the
 * subscription reached the server, or while the socket was down, is pushed
 * to nobody. A page that shows a read plus the pushes after it reads again
 * when `onState` says `live` (each subscription, the first and every one
 * after a reconnect) and merges by id and version.
 */
import { readToken } from './token-store';
import type { StreamClientMessage, StreamServerMessage, UserTopic, UserUpdate } from './types';

/** The updates of the topics `T`: `data` is what that topic carries. */
export type UpdateOf<T extends UserTopic> = Extract<UserUpdate, { topic: T }>;

export type StreamState = 'connecting' | 'live' | 'offline';

export interface StreamHandle {
  close(): void;
}

export function openStream<T extends UserTopic>(
  topics: T[],
  onUpdate: (u: UpdateOf<T>) => void,
  onState: (s: StreamState) => void = () => {},
): StreamHandle {
  let socket: WebSocket | undefined;
  let closed = false;
  let delay = 1000;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    onState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/stream`);
    socket = ws;
    const send = (m: StreamClientMessage) => ws.send(JSON.stringify(m));
    ws.onopen = () => send({ type: 'auth', token: readToken() ?? '' });
    ws.onmessage = (ev) => {
      let msg: StreamServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as StreamServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'ready') send({ type: 'subscribe', topics });
      else if (msg.type === 'subscribed') {
        delay = 1000;
        onState('live');
      } else if (msg.type === 'update') {
        // The server sends the updates of the topics subscribed to, and no others.
        onUpdate(msg as UpdateOf<T>);
      }
    };
    ws.onclose = (ev) => {
      onState('offline');
      if (closed || ev.code === 4001) return;
      retry = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15_000);
    };
  };
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close(1000);
    },
  };
}
