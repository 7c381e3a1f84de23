import { z } from 'zod';
import { isIsoDate, RATINGS, STAGES } from '../../domain';
import { storable, STORABLE } from './common';

const positive = (def: number, max: number) => z.coerce.number().int().min(1).max(max).default(def);

export const listQuerySchema = z.strictObject({
  stage: z.enum(STAGES).optional(),
  district: z.string().max(12).refine(storable, STORABLE).optional(),
  rating: z.enum(RATINGS).optional(),
  q: z.string().trim().min(1).max(100).refine(storable, STORABLE).optional(),
  page: positive(1, 100_000),
  pageSize: positive(20, 100),
  sort: z.enum(['updatedAt', 'submittedAt', 'name']).default('updatedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const yearParam = z.coerce.number().int().min(2000).max(2100);

export const calendarBodySchema = z.strictObject({
  holidays: z.array(z.string().refine(isIsoDate, 'a date YYYY-MM-DD')).max(366),
  workdays: z.array(z.string().refine(isIsoDate, 'a date YYYY-MM-DD')).max(366),
});

export const historyQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
