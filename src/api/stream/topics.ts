/**
 * Stream topics: which names exist and who may receive them. `positions` and
 * `traders` are scoped to the authenticated user (a connection only ever gets
 * its own user's updates); `markets:<marketId>` is public, one payload shared
 * by every subscriber.
 */
import { ValidationError } from '../../domain/errors.js';
import { USER_TOPICS as USER_TOPIC_NAMES } from '../answers/stream.js';

/** Topics whose updates belong to one user; publishing to them needs a userId. */
export const USER_TOPICS: ReadonlySet<string> = new Set(USER_TOPIC_NAMES);

/** Same alphabet as market ids in the domain (letters, digits and ._:/-). */
const MARKET_TOPIC = /^markets:[A-Za-z0-9._:/-]{1,128}$/;

export const isUserTopic = (topic: string): boolean => USER_TOPICS.has(topic);

/** Validates a topic named by a client; the error says what a valid one looks like. */
export function checkTopic(topic: unknown): string {
  if (typeof topic !== 'string')
    throw new ValidationError(`topics must be strings, got ${topic === null ? 'null' : typeof topic}`);
  if (USER_TOPICS.has(topic) || MARKET_TOPIC.test(topic)) return topic;
  const shown = topic.length > 40 ? `${topic.slice(0, 40)}...` : topic;
  throw new ValidationError(
    `unknown topic "${shown}": use ${USER_TOPIC_NAMES.join(', ')} or markets:<marketId> (letters, digits and ._:/-)`,
  );
}
