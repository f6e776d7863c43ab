/**
 * Request validation with Ajv. Bodies are strict (no type coercion, unknown
 * fields rejected, all errors reported); query strings and params coerce
 * "50" to 50 because URLs carry only text.
 */
import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
const strictAjv = new Ajv({ ...common, coerceTypes: false });
const coercingAjv = new Ajv({ ...common, coerceTypes: true });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};
