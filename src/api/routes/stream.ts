/**
 * GET /api/v1/stream: the WebSocket push stream. Registered in its own
 * encapsulated plugin (registerStream) because it authenticates itself:
 * header or first message, not the /api/v1 bearer hook.
 *
 * Protocol (JSON text frames):
 *
 * Authentication, one of
 *   - `Authorization: Bearer <token>` on the upgrade request, or
 *   - first message `{"type":"auth","token":"tl_..."}` within 5 s (authTimeoutMs).
 *   Failure closes with 4001 and a reason naming the problem ("unknown or revoked token",
 *   "auth timeout: send {type:auth,token} first", ...). Then the server sends
 *   `{"type":"ready","userId":1}`.
 *
 * Client -> server
 *   `{"type":"subscribe","topics":["positions","traders","markets:BTC/USDT"]}`
 *       -> `{"type":"subscribed","topics":[...]}` (all or none; at most 256 topics per connection)
 *   `{"type":"unsubscribe","topics":[...]}` -> `{"type":"unsubscribed","topics":[...]}`;
 *       pending updates of those topics are dropped, none arrives afterwards
 *   `{"type":"ping"}` -> `{"type":"pong"}`
 *
 * Server -> client
 *   `{"type":"update","topic":"positions","key":"42","data":{...},"ts":1767225600000}`
 *       `ts` is the server's epoch ms when the update was published. `positions` and `traders`
 *       carry only the authenticated user's data; `markets:<marketId>` is public.
 *   `{"type":"error","code":"VALIDATION_FAILED","message":"..."}` for a bad message (malformed
 *       JSON, unknown type or topic, too many topics, a non-string topic, a binary frame, a
 *       message over 16 KiB): the message names the problem and the connection stays open.
 *
 * Delivery: each (topic, key) is a latest-value slot. A client that reads slower than updates
 * arrive gets the latest value of every key (older ones are conflated away), never an unbounded
 * backlog. Close codes:
 *   1001 server shutting down
 *   1009 frame over 64 KiB (maxPayloadBytes)
 *   1011 authentication could not be checked (retry)
 *   4001 authentication failed (reason says why)
 *   4008 too slow: "too slow: 5000 updates pending for 2000 ms" (or over the pending-key limit)
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { type Clock, systemClock } from '../../domain/clock.js';
import type { UserService } from '../../users/user-service.js';
import { AuthFailureLimiter } from '../client-guard.js';
import { errorBody } from '../error-mapper.js';
import { CloseCode } from '../stream/protocol.js';
import type { StreamHub } from '../stream/stream-hub.js';
import { startSession } from '../stream/stream-session.js';

export interface StreamDeps {
  hub: StreamHub;
  users: UserService;
  /** Failed token lookups per client address. @default 60 a minute */
  authFailures?: AuthFailureLimiter;
  /** For the authentication deadline. @default systemClock */
  clock?: Clock;
  /** Time a client without a bearer header has to authenticate. @default 5000 */
  authTimeoutMs?: number;
  /** Text messages above this are answered with an error. @default 16 KiB */
  maxMessageBytes?: number;
  /** Frames above this close the connection with 1009 (ws refuses to buffer them). @default 64 KiB */
  maxPayloadBytes?: number;
  /** On server close, clients still open this long after their 1001 are cut. @default 1000 */
  closeGraceMs?: number;
}

/** Closes this server's clients with 1001, cuts those that do not answer, then closes the ws server. */
function preClose(this: FastifyInstance, graceMs: number, done: () => void): void {
  const server = this.websocketServer;
  for (const client of server.clients) client.close(CloseCode.goingAway, 'server shutting down');
  const cut = setTimeout(() => {
    for (const client of server.clients) client.terminate();
  }, graceMs);
  server.close(() => {
    clearTimeout(cut);
    done();
  });
}

/** Socket errors after the upgrade: ws has already started closing on protocol errors (1009 ...). */
function onSocketError(
  this: FastifyInstance,
  error: Error,
  socket: WebSocket,
  request: { log: FastifyInstance['log'] },
): void {
  request.log.debug({ err: error }, 'stream socket error');
  if (socket.readyState === socket.OPEN) socket.terminate();
}

/** Registers `GET /stream` (and the websocket plugin) on `app`, which must not carry the bearer hook. */
export async function streamRoutes(app: FastifyInstance, deps: StreamDeps): Promise<void> {
  const graceMs = deps.closeGraceMs ?? 1_000;
  await app.register(websocket, {
    options: { maxPayload: deps.maxPayloadBytes ?? 64 * 1024 },
    preClose(done) {
      preClose.call(this, graceMs, done);
    },
    errorHandler: onSocketError,
  });
  const clock = deps.clock ?? systemClock;
  const authFailures = deps.authFailures ?? new AuthFailureLimiter(clock, 60);
  const session = {
    hub: deps.hub,
    clock,
    authTimeoutMs: deps.authTimeoutMs ?? 5_000,
    maxMessageBytes: deps.maxMessageBytes ?? 16 * 1024,
  };
  app.route({
    method: 'GET',
    url: '/stream',
    handler: (_request, reply) =>
      reply
        .code(426)
        .header('upgrade', 'websocket')
        .send(errorBody('UPGRADE_REQUIRED', 'GET /api/v1/stream is a WebSocket: send an upgrade request')),
    wsHandler: (socket, request) => {
      startSession(socket, request.headers.authorization, {
        ...session,
        authenticate: (token) => authFailures.authenticate(deps.users, request.ip, token),
      });
    },
  });
}

/**
 * Registers the stream at `/api/v1/stream` in its own encapsulated plugin, outside the
 * bearer-auth and rate-limit hooks of the other /api/v1 routes.
 *
 * @example
 * await registerStream(app, { hub: s.stream, users: s.users });
 */
export async function registerStream(app: FastifyInstance, deps: StreamDeps): Promise<void> {
  await app.register(async (scope) => streamRoutes(scope, deps), { prefix: '/api/v1' });
}
