import { z } from 'zod';
import { ACTION_TYPES, ActionBody, ActionType, RATINGS } from '../../domain';
import { applicationSchema, indicatorsSchema } from './application';
import { isoDate, optionalText, storable, STORABLE, text } from './common';

const meeting = z.strictObject({ date: isoDate, minutes: text(5000) });

const shapes = {
  recommend: { comment: optionalText(2000) },
  decline: { reason: text(2000) },
  return: { reason: text(2000) },
  resubmit: { application: applicationSchema },
  withdraw: { reason: optionalText(2000) },
  record_review: { score: z.number().int('a whole number').min(0).max(100), opinion: optionalText(5000) },
  conclude_review: {
    passed: z.boolean(),
    opinion: optionalText(5000),
    siteInspection: z.strictObject({ date: isoDate, summary: text(5000) }).optional(),
  },
  approve_candidate: { meeting },
  reject_candidate: { meeting, reason: text(2000) },
  rule_objection: { objectionId: z.string().min(1).max(64).refine(storable, STORABLE), upheld: z.boolean(), reason: optionalText(2000) },
  submit_annual_report: { year: z.number().int().min(2000).max(2100), indicators: indicatorsSchema },
  // A round is named as the bureau names it: a year (2026), a number (1), or words ("2026年度").
  start_evaluation: {
    round: z.union([text(20), z.number().int().min(1).max(999_999)], { error: 'the round, as a year (2026), a positive number (1) or words of at most 20 characters' }).transform(String),
  },
  submit_evaluation_report: { indicators: indicatorsSchema },
  rate: { rating: z.enum(RATINGS), opinion: optionalText(5000) },
  submit_rectification_report: { summary: text(5000) },
  revoke: { reason: text(2000) },
} satisfies Record<ActionType, z.ZodRawShape>;

export const actionSchemas = Object.fromEntries(
  ACTION_TYPES.map((t) => [t, z.strictObject({ type: z.literal(t), ...shapes[t] })]),
) as unknown as Record<ActionType, z.ZodType>;

export const actionSchema = z.discriminatedUnion(
  'type',
  ACTION_TYPES.map((t) => actionSchemas[t]) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export function parseAction(body: unknown): z.ZodSafeParseResult<ActionBody> {
  const type = (body as { type?: unknown })?.type;
  const schema = typeof type === 'string' && Object.hasOwn(actionSchemas, type) ? actionSchemas[type as ActionType] : actionSchema;
  return schema.safeParse(body) as z.ZodSafeParseResult<ActionBody>;
}

export const objectionSchema = z.strictObject({ name: text(100), contact: text(200), reason: text(2000) });
