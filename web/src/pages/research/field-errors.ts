/** Server validation details by field path, for showing each message beside its input. */
import { ApiError, describeError } from '../../api/client';

export interface FormErrors {
  fields: Record<string, string>;
  general: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, general: null };

export function formErrors(err: unknown): FormErrors {
  if (!(err instanceof ApiError)) return { fields: {}, general: describeError(err) };
  const fields: Record<string, string> = {};
  for (const d of err.details) fields[d.path.replace(/^body\./, '')] = d.message;
  return { fields, general: err.message };
}
