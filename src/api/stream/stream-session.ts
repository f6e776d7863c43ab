/**
 * One WebSocket client from upgrade to close: authentication (bearer header
 * on the upgrade, or a first `auth` message before a deadline), then
 * subscribe / unsubscribe / ping handling against the hub. A bad message
 * after authentication is answered with an error frame naming the problem
 * and the connection stays open; anything wrong before authentication closes
 * it with 4001 and the reason.
 */
import type { RawData, WebSocket } from 'ws';
import type { Clock } from '../../domain/clock.js';
import { isAppError } from '../../domain/errors.js';
import type { User } from '../../domain/user.js';
import { type ClientMessage, CloseCode, closeReason, frames, parseClientMessage } from './protocol.js';
import type { StreamConnection, StreamSocket } from './stream-connection.js';
import type { StreamHub } from './stream-hub.js';

export interface SessionOptions {
  hub: StreamHub;
  /** The user of a token, as this connection's client may look it up (limits apply). */
  authenticate(token: string): Promise<User | undefined>;
  clock: Clock;
  /** How long a client without a bearer header has to send `{type:auth,token}`. */
  authTimeoutMs: number;
  /** Text messages above this many bytes are answered with an error (frames above maxPayload close with 1009). */
  maxMessageBytes: number;
}

/** Messages a client may send while its token is being checked; they are handled afterwards, in order. */
const MAX_HELD_MESSAGES = 16;
const TEXT = { binary: false } as const;
const BEARER = /^Bearer\s+(\S+)$/i;

const isOpen = (ws: WebSocket) => ws.readyState === ws.OPEN;

function transport(ws: WebSocket): StreamSocket {
  return {
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (frame, done) => ws.send(frame, TEXT, done),
    close: (code, reason) => ws.close(code, reason),
  };
}

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/** Attaches the protocol to an upgraded socket; `authorization` is the upgrade request's header. */
export function startSession(ws: WebSocket, authorization: string | undefined, o: SessionOptions): void {
  let conn: StreamConnection | undefined;
  let checking = false;
  const held: { data: RawData; isBinary: boolean }[] = [];

  const refuse = (reason: string) => {
    if (isOpen(ws)) ws.close(CloseCode.unauthorized, closeReason(reason));
  };
  const cancelDeadline = o.clock.setTimer(o.authTimeoutMs, () => {
    if (conn || !isOpen(ws)) return;
    if (checking)
      ws.close(CloseCode.internalError, 'authentication could not be checked in time, retry later');
    else refuse('auth timeout: send {type:auth,token} first');
  });

  const ready = (user: User) => {
    cancelDeadline();
    conn = o.hub.connect(transport(ws), user.id);
    conn.reply(frames.ready(user.id));
  };

  const authenticate = (token: string) => {
    checking = true;
    o.authenticate(token).then(
      (user) => {
        checking = false;
        if (!isOpen(ws)) return;
        if (!user) {
          refuse('unknown or revoked token');
          return;
        }
        ready(user);
        for (const m of held.splice(0)) onMessage(m.data, m.isBinary);
      },
      (err: unknown) => {
        checking = false;
        const why = err instanceof Error ? err.message : String(err);
        if (isOpen(ws))
          ws.close(CloseCode.internalError, closeReason(`authentication failed, retry later: ${why}`));
      },
    );
  };

  /** Reads one frame; a problem is returned as text rather than thrown. */
  const read = (data: RawData, isBinary: boolean): ClientMessage | string => {
    if (isBinary) return 'binary frames are not accepted: send JSON text';
    const buf = toBuffer(data);
    if (buf.length > o.maxMessageBytes)
      return `message of ${buf.length} bytes is over the ${o.maxMessageBytes}-byte limit`;
    try {
      return parseClientMessage(buf.toString('utf8'), o.hub.maxTopicsPerConnection);
    } catch (err) {
      if (isAppError(err)) return err.message;
      throw err;
    }
  };

  const onMessage = (data: RawData, isBinary: boolean): void => {
    if (checking) {
      if (held.length >= MAX_HELD_MESSAGES) refuse('too many messages before authentication completed');
      else held.push({ data, isBinary });
      return;
    }
    const msg = read(data, isBinary);
    if (conn) {
      if (typeof msg === 'string') conn.reply(frames.error('VALIDATION_FAILED', msg));
      else handle(conn, msg);
    } else if (typeof msg === 'string') {
      refuse(`expected {type:auth,token} first: ${msg}`);
    } else if (msg.type === 'auth') {
      authenticate(msg.token);
    } else {
      refuse('not authenticated: send {type:auth,token} first');
    }
  };

  const handle = (c: StreamConnection, msg: ClientMessage): void => {
    switch (msg.type) {
      case 'ping':
        c.reply(frames.pong());
        break;
      case 'auth':
        c.reply(frames.error('VALIDATION_FAILED', 'already authenticated'));
        break;
      case 'subscribe':
        try {
          o.hub.subscribe(c, msg.topics);
          c.reply(frames.subscribed(msg.topics));
        } catch (err) {
          if (!isAppError(err)) throw err;
          c.reply(frames.error(err.code, err.message));
        }
        break;
      case 'unsubscribe':
        o.hub.unsubscribe(c, msg.topics);
        c.reply(frames.unsubscribed(msg.topics));
        break;
    }
  };

  ws.on('message', onMessage);
  ws.on('close', () => {
    cancelDeadline();
    held.length = 0;
    conn?.dispose();
  });

  if (authorization === undefined) return;
  const m = BEARER.exec(authorization);
  if (m) authenticate(m[1]!);
  else refuse('Authorization header must be "Bearer <token>"');
}
