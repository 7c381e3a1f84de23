import { z } from 'zod';
import { isIsoDate } from '../../domain';

// PostgreSQL stores neither NUL nor half of a surrogate pair (jsonb refuses both): a decision
// carrying one would be accepted by the workflow and then never persist, stalling the base.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const storable = (s: string) => !UNSTORABLE.test(s);
export const STORABLE = 'contains a character that cannot be stored (NUL or an unpaired surrogate)';

/** A required piece of text with a ceiling, so nothing unbounded reaches a workflow's history. */
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`).refine(storable, STORABLE);
export const isoDate = z.string().refine(isIsoDate, 'a calendar date YYYY-MM-DD');
export const count = (max: number) => z.number().int('a whole number').min(0).max(max);
export const idParam = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a base id');
