/**
 * The WebSocket push stream (/api/v1/stream, protocol at the top of
 * src/api/routes/stream.ts): authenticates with the first message,
 * subscribes to `topics`, hands each update to `onUpdate`, and reconnects
 * with backoff (1 s doubling to 15 s) until closed. 4001 (bad token) does
 * not retry.
 */
import { readToken } from './token-store';

export interface StreamUpdate {
  topic: string;
  key: string;
  data: unknown;
  ts: number;
}

export type StreamState = 'connecting' | 'live' | 'offline';

export interface StreamHandle {
  close(): void;
}

export function openStream(
  topics: string[],
  onUpdate: (u: StreamUpdate) => void,
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
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: readToken() ?? '' }));
    ws.onmessage = (ev) => {
      let msg: { type?: string } & Partial<StreamUpdate>;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (msg.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topics }));
      else if (msg.type === 'subscribed') {
        delay = 1000;
        onState('live');
      } else if (msg.type === 'update') onUpdate(msg as StreamUpdate);
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
