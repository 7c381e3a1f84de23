import { z } from 'zod';
import { storable, STORABLE } from '../storable';
import { isIsoDate } from '../time';

/** A required piece of text with a ceiling, so nothing unbounded reaches a workflow's history. */
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`).refine(storable, STORABLE);
/** Optional text a staff form may send empty: "" or null counts as not sent (a required text still refuses them). */
export const optionalText = (max: number) =>
  z
    .union([z.literal(''), z.null(), text(max)])
    .optional()
    .transform((v) => (v === '' || v === null ? undefined : v));
export const isoDate = () => z.string().refine(isIsoDate, 'a calendar date YYYY-MM-DD');
export const count = (max: number) => z.number().int('a whole number').min(0).max(max);
