import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { documentedShape, Type } from '../../src/api/json-schema.js';

describe('json-schema builders', () => {
  it('build plain schemas with required derived from Optional', () => {
    const s = Type.Object(
      { a: Type.String({ maxLength: 3 }), b: Type.Optional(Type.Union([Type.Integer(), Type.Null()])) },
      { additionalProperties: false },
    );
    expect(JSON.parse(JSON.stringify(s))).toEqual({
      type: 'object',
      properties: {
        a: { type: 'string', maxLength: 3 },
        b: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
      required: ['a'],
      additionalProperties: false,
    });
    const validate = new Ajv({ strict: true }).compile(s);
    expect(validate({ a: 'x' })).toBe(true);
    expect(validate({ a: 'x', b: 2 })).toBe(true);
    expect(validate({ b: 2 })).toBe(false);
    expect(validate({ a: 'x', c: 1 })).toBe(false);
  });

  it('builds a record: any keys, every value checked by its schema', () => {
    const s = Type.Record(Type.Number());
    expect(JSON.parse(JSON.stringify(s))).toEqual({
      type: 'object',
      additionalProperties: { type: 'number' },
    });
    const validate = new Ajv({ strict: true }).compile(s);
    expect(validate({ scout: 12, decision: 3.5 })).toBe(true);
    expect(validate({ scout: '12' })).toBe(false);
  });

  it('documents a shape it does not apply: Ajv sees the enforced part, the document the shape', () => {
    const shape = Type.Object({ n: Type.Integer() }, { additionalProperties: false });
    const body = Type.Object({ result: Type.Optional(Type.Documented(shape, Type.AnyObject())) });
    // What Ajv and the serialiser read: the enforced part only (a symbol key is invisible to both).
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      type: 'object',
      properties: { result: { type: 'object', additionalProperties: true } },
    });
    const validate = new Ajv({ strict: true }).compile(body);
    expect(validate({ result: { n: 'not a number', other: 1 } })).toBe(true);
    expect(validate({ result: 'not an object' })).toBe(false);
    // What /openapi.json shows: the shape, kept through Type.Optional, or a reference to a component.
    expect(documentedShape(body)).toEqual({
      type: 'object',
      properties: {
        result: {
          type: 'object',
          properties: { n: { type: 'integer' } },
          required: ['n'],
          additionalProperties: false,
        },
      },
    });
    expect(documentedShape(body, new Map([[shape, 'Counted']]))).toEqual({
      type: 'object',
      properties: { result: { $ref: 'Counted#' } },
    });
  });
});
