import { z } from 'zod';
import { districtName, isIsoDate, RATINGS, STAGES, storable, STORABLE } from '../../domain';

const positive = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def);

/** A form or a URL template sends `stage=` for "any stage": a parameter with an empty value counts as not sent. */
export const sentParams = (query: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));

/** `stage=certified,evaluation`: any of several values, comma-separated, each one known. */
const anyOf = <T extends string>(values: readonly T[]) =>
  z
    .string()
    .max(400)
    .refine((s) => s.split(',').every((v) => (values as readonly string[]).includes(v)), `one or more of ${values.join(', ')}, comma-separated`)
    .transform((s) => [...new Set(s.split(','))] as T[]);

export const listQuerySchema = z.strictObject({
  stage: anyOf(STAGES).optional(),
  district: z
    .string()
    .max(12)
    .refine((d) => districtName(d) !== undefined, 'a district code from /api/districts')
    .optional(),
  rating: anyOf(RATINGS).optional(),
  q: z.string().trim().min(1).max(100).refine(storable, STORABLE).optional(),
  page: positive(1, 100_000),
  pageSize: positive(20, 100),
  sort: z.enum(['updatedAt', 'submittedAt', 'name']).default('updatedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

/** Four digits: `02026`, `2026.0` and `0x7EA` are not another way to name 2026. */
export const yearParam = z
  .string()
  .regex(/^[0-9]{4}$/, 'a year, four digits')
  .transform(Number)
  .pipe(z.number().int().min(2000).max(2100));

export const calendarBodySchema = z.strictObject({
  holidays: z.array(z.string().refine(isIsoDate, 'a date YYYY-MM-DD')).max(366),
  workdays: z.array(z.string().refine(isIsoDate, 'a date YYYY-MM-DD')).max(366),
});

/** A stored year as the calendar routes answer it: the schedule, where it came from and when. */
export const storedCalendarSchema = calendarBodySchema.extend({
  year: z.number().int(),
  source: z.string(),
  loadedAt: z.iso.datetime({ offset: true }),
});

export const historyQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
