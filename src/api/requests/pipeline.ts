/** Request schemas of /pipeline: the pages of decisions and model calls. */
import { Type } from '../json-schema.js';

/** GET /pipeline/decisions and /pipeline/model-calls. */
export const PipelineDecisionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
