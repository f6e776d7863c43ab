/**
 * How the HTTP server protects itself from slow or greedy clients: timeouts
 * shorter than Node's defaults, a cap on connections per client address, and
 * a limit on failed token lookups per address (checked before a token is
 * hashed or looked up).
 */
import { int, setting } from './setting.js';

export const httpSettings = {
  httpHeadersTimeoutMs: setting({
    env: 'HTTP_HEADERS_TIMEOUT_MS',
    form: 'an integer from 1000 to 600000',
    default: 10_000,
    parse: int(1000, 600_000),
    doc: 'Time a client has to send the request headers (Node: 60 s); slower connections are closed.',
  }),
  httpRequestTimeoutMs: setting({
    env: 'HTTP_REQUEST_TIMEOUT_MS',
    form: 'an integer from 1000 to 3600000',
    default: 60_000,
    parse: int(1000, 3_600_000),
    doc: 'Time a client has to send a whole request, body included (Node: 300 s); then 408.',
  }),
  httpKeepAliveTimeoutMs: setting({
    env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    form: 'an integer from 100 to 600000',
    default: 5_000,
    parse: int(100, 600_000),
    doc: 'How long an idle keep-alive connection stays open between requests (Fastify: 72 s). Behind a load balancer, keep it above the balancer’s idle timeout.',
  }),
  httpIdleTimeoutMs: setting({
    env: 'HTTP_IDLE_TIMEOUT_MS',
    form: 'an integer from 1000 to 3600000',
    default: 120_000,
    parse: int(1000, 3_600_000),
    doc: 'A connection with no traffic for this long is closed, even mid-request (Node: never). WebSocket connections are exempt: their own heartbeat closes dead ones.',
  }),
  maxConnectionsPerAddress: setting({
    env: 'MAX_CONNECTIONS_PER_ADDRESS',
    form: 'an integer from 0 to 1000000 (0: no cap)',
    default: 256,
    parse: int(0, 1_000_000),
    doc: 'Open connections (HTTP and WebSocket) one client address may hold; more are closed at once. Behind a load balancer all clients share its address: raise it or set 0.',
  }),
  authFailuresPerMinute: setting({
    env: 'AUTH_FAILURES_PER_MINUTE',
    form: 'an integer from 1 to 1000000',
    default: 60,
    parse: int(1, 1_000_000),
    doc: 'Failed token lookups (missing, malformed, unknown or revoked token) one client address may cause per minute (burst of the same size); beyond it 429 with Retry-After, before any token is hashed or looked up.',
  }),
};
