/**
 * Plain JSON Schema builders for request validation (Ajv) and response
 * serialisation (fast-json-stringify). We used TypeBox for this, but we never
 * used its type inference, and loading it cost 11 MiB of resident memory,
 * about a tenth of the service's budget. These builders produce the same
 * schema objects with the same call shapes.
 *
 * @example
 * const Body = Type.Object({ name: Type.String({ maxLength: 100 }), note: Type.Optional(Type.String()) },
 *   { additionalProperties: false });
 * // { type: 'object', properties: {...}, required: ['name'], additionalProperties: false }
 */

export type Schema = { readonly [key: string]: unknown };
type Options = Record<string, unknown>;

const OPTIONAL = Symbol('optional');
type Optional = Schema & { [OPTIONAL]: true };

const isOptional = (s: Schema): s is Optional => (s as Partial<Optional>)[OPTIONAL] === true;

export const Type = {
  String: (o: Options = {}): Schema => ({ type: 'string', ...o }),
  Integer: (o: Options = {}): Schema => ({ type: 'integer', ...o }),
  Number: (o: Options = {}): Schema => ({ type: 'number', ...o }),
  Boolean: (o: Options = {}): Schema => ({ type: 'boolean', ...o }),
  Null: (): Schema => ({ type: 'null' }),
  Literal: (value: string | number | boolean): Schema => ({ const: value }),
  Array: (items: Schema, o: Options = {}): Schema => ({ type: 'array', items, ...o }),
  Union: (anyOf: readonly Schema[], o: Options = {}): Schema => ({ anyOf, ...o }),
  /**
   * `s` or null, as a type list rather than `anyOf`: fast-json-stringify
   * serialises a type list directly, while `anyOf` costs a schema check per
   * value on every response.
   */
  Nullable: (s: Schema): Schema => ({ ...s, type: [s['type'], 'null'] }),
  /** Marks a property of `Type.Object` as not required. */
  Optional: (s: Schema): Schema =>
    Object.defineProperty({ ...s }, OPTIONAL, { value: true, enumerable: false }),
  /** An object; properties not wrapped in `Type.Optional` are required. */
  Object(properties: Record<string, Schema>, o: Options = {}): Schema {
    const required = Object.keys(properties).filter((k) => !isOptional(properties[k]!));
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...o };
  },
};
