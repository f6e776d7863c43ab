/**
 * Request validation with Ajv. Bodies are strict (no type coercion, unknown
 * fields rejected, all errors reported); query strings and params coerce
 * "50" to 50 because URLs carry only text. Ajv's coercion takes anything
 * JavaScript's `Number()` does ("0x2", "1e3", " 1", "1.0"), so an integer in
 * a path or query string must first be written as plain decimal digits:
 * `/traders/0x2` is a 400, not trader 2.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
const strictAjv = new Ajv({ ...common, coerceTypes: false });
const coercingAjv = new Ajv({ ...common, coerceTypes: true });

/** An integer as a URL should write it: optional '-', no leading zeros, no sign '+', no spaces. */
const PLAIN_INTEGER = /^-?(?:0|[1-9]\d*)$/;

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Top-level properties of an object schema typed integer. */
function integerFields(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, { type?: unknown }> } | null)?.properties;
  if (!props) return [];
  return Object.keys(props).filter((k) => {
    const t = props[k]?.type;
    return t === 'integer' || (Array.isArray(t) && t.includes('integer'));
  });
}

/** Refuses integer fields not written as plain digits, then runs the coercing validator. */
function plainIntegers(validate: Validate, fields: readonly string[]): Validate {
  const checked: Validate = (data: unknown) => {
    const errors: ErrorObject[] = [];
    if (typeof data === 'object' && data !== null) {
      for (const f of fields) {
        const v = (data as Record<string, unknown>)[f];
        if (typeof v === 'string' && !PLAIN_INTEGER.test(v)) {
          errors.push({
            instancePath: `/${f}`,
            schemaPath: `#/properties/${f}/type`,
            keyword: 'type',
            params: { type: 'integer' },
            message: 'must be an integer written in decimal digits, like 42',
          });
        }
      }
    }
    if (errors.length > 0) {
      checked.errors = errors;
      return false;
    }
    const ok = validate(data);
    checked.errors = validate.errors ?? null;
    return ok;
  };
  return checked;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (httpPart === 'body')
    return strictAjv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  const validate = coercingAjv.compile(schema as object) as Validate;
  const fields = integerFields(schema);
  const out = fields.length > 0 ? plainIntegers(validate, fields) : validate;
  return out as ReturnType<FastifySchemaCompiler<unknown>>;
};
