/**
 * Checks real answers against the OpenAPI document the app publishes: an
 * answer conforms when the schema documented for its route and status
 * accepts it with every object closed to fields the document does not name
 * (so a field the server sends but the document leaves out fails, as much as
 * one it documents but does not send).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

export interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
export interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, unknown> };
}

/** `schema` with each object schema that names its properties closed to any other. */
export function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([name, s]) => [name, closed(s)]))
        : closed(v);
  }
  if ('properties' in out && !('additionalProperties' in out)) out['additionalProperties'] = false;
  return out;
}

export function conformance(doc: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'doc', components: closed(doc.components) });
  // The document's refs point into itself; resolve them against its components.
  const compile = (schema: unknown) =>
    ajv.compile(JSON.parse(JSON.stringify(closed(schema)).replaceAll('"#/components/', '"doc#/components/')));

  const check = (what: string, schema: unknown, value: unknown) => {
    const validate = compile(schema);
    const ok = validate(value);
    expect(ok, `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  };

  return {
    /** Checks a real answer against the document's schema for that route and status. */
    conforms(method: string, route: string, answer: { status: number; body: unknown }) {
      const op = doc.paths[route]?.[method.toLowerCase()];
      expect(op, `${method} ${route} is documented`).toBeDefined();
      const declared = op!.responses[String(answer.status)] ?? op!.responses[`${String(answer.status)[0]}XX`];
      expect(declared, `${method} ${route} documents a ${answer.status} answer`).toBeDefined();
      if (answer.status === 204) {
        expect(declared!.content, `${method} ${route} 204 has no body`).toBeUndefined();
        expect(answer.body).toBeUndefined();
        return;
      }
      const schema = declared?.content?.['application/json']?.schema;
      expect(schema, `${method} ${route} documents a ${answer.status} body`).toBeDefined();
      check(`${method} ${route} ${answer.status}`, schema, answer.body);
    },
    /** Checks a value against a component of the document (a message of the WebSocket stream). */
    matches(component: string, value: unknown) {
      expect(doc.components.schemas[component], `${component} is a component`).toBeDefined();
      check(component, { $ref: `#/components/schemas/${component}` }, value);
    },
  };
}
