/**
 * Route schemas compiled on a route's first request instead of at start-up.
 *
 * Fastify compiles every route's validators (Ajv) and response serializers
 * (fast-json-stringify) when the server starts: about 40 MB of short-lived
 * garbage for this API's ~100 routes. V8 grows the heap to hold it and gives
 * the pages back only when its memory reducer decides the process is idle,
 * which a service with background work and steady traffic may never be: the
 * peak of start-up stayed in the resident set (`npm run bench`, `rss`). A
 * lazy compiler makes the same function on first use, so a route nobody
 * calls costs nothing and the start-up peak is gone.
 *
 * What laziness would hide, a schema that does not compile, is caught by
 * `test/api/route-schemas.test.ts`, which compiles every route's schemas
 * eagerly with these same compilers.
 */
import {
  type Serializer,
  type SerializerFactory,
  SerializerSelector,
} from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler } from 'fastify';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };

/** `compile`'s validator, made on the first call; its `errors` are the compiled one's after each call. */
export function lazyValidator<S>(compile: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (route) => {
    let inner: Validate | undefined;
    const validate: Validate = (data: unknown) => {
      inner ??= compile(route) as Validate;
      const out = inner(data);
      validate.errors = inner.errors ?? null;
      return out;
    };
    return validate as ReturnType<FastifySchemaCompiler<S>>;
  };
}

/** Fastify's own serializer compiler (fast-json-stringify), each serializer made on its first use. */
export function lazySerializerFactory(): SerializerFactory {
  const selector = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = selector(externalSchemas, options);
    return (route) => {
      let inner: Serializer | undefined;
      return (data: unknown) => {
        inner ??= compile(route);
        return inner(data);
      };
    };
  };
}
