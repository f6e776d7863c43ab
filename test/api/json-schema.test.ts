import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { Type } from '../../src/api/json-schema.js';

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
});
