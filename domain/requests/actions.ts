import { z } from 'zod';
import { ActionBody, ActionType } from '../base/commands';
import { ACTION_TYPES } from '../base/rules';
import { TEXT_LIMITS as L } from '../limits';
import { RATINGS } from '../policy';
import { storable, STORABLE } from '../storable';
import { applicationSchemas } from './application';
import { isoDate, optionalText, text } from './fields';

/**
 * The requests' schemas, built anew on each call. A workflow's shared modules are frozen once
 * loaded, and zod defines a schema's methods on it when first used; a workflow reading a signal
 * builds its own (`signal.ts`), the API uses the set below.
 */
export function requestSchemas() {
  const { applicationSchema, indicatorsSchema } = applicationSchemas();
  const meeting = z.strictObject({ date: isoDate(), minutes: text(L['meeting.minutes']) });
  const shapes = {
    recommend: { comment: optionalText(L.comment) },
    decline: { reason: text(L.reason) },
    return: { reason: text(L.reason) },
    resubmit: { application: applicationSchema },
    withdraw: { reason: optionalText(L.reason) },
    record_review: { score: z.number().int('a whole number').min(0).max(100), opinion: optionalText(L.opinion) },
    conclude_review: {
      passed: z.boolean(),
      opinion: optionalText(L.opinion),
      siteInspection: z.strictObject({ date: isoDate(), summary: text(L['siteInspection.summary']) }).optional(),
    },
    approve_candidate: { meeting },
    reject_candidate: { meeting, reason: text(L.reason) },
    rule_objection: { objectionId: objectionId(), upheld: z.boolean(), reason: optionalText(L.reason) },
    submit_annual_report: { year: z.number().int().min(2000).max(2100), indicators: indicatorsSchema },
    // A round is named as the bureau names it: a year (2026), a number (1), or words ("2026年度").
    start_evaluation: {
      round: z.union([text(L.round), z.number().int().min(1).max(999_999)], { error: `the round, as a year (2026), a positive number (1) or words of at most ${L.round} characters` }).transform(String),
    },
    submit_evaluation_report: { indicators: indicatorsSchema },
    rate: { rating: z.enum(RATINGS), opinion: optionalText(L.opinion) },
    submit_rectification_report: { summary: text(L.summary) },
    revoke: { reason: text(L.reason) },
  } satisfies Record<ActionType, z.ZodRawShape>;

  const actionSchemas = Object.fromEntries(ACTION_TYPES.map((t) => [t, z.strictObject({ type: z.literal(t), ...shapes[t] })])) as unknown as Record<ActionType, z.ZodType>;
  const actionSchema = z.discriminatedUnion('type', ACTION_TYPES.map((t) => actionSchemas[t]) as unknown as [z.ZodObject, ...z.ZodObject[]]);
  const parseAction = (body: unknown): z.ZodSafeParseResult<ActionBody> => {
    const type = (body as { type?: unknown })?.type;
    const schema = typeof type === 'string' && Object.hasOwn(actionSchemas, type) ? actionSchemas[type as ActionType] : actionSchema;
    return schema.safeParse(body) as z.ZodSafeParseResult<ActionBody>;
  };
  const objectionSchema = z.strictObject({ name: text(L.name), contact: text(L.contact), reason: text(L.reason) });
  // An objection an operator signals: the form's fields, and the id the API gives one it takes.
  const signalledObjectionSchema = objectionSchema.extend({ type: z.literal('file_objection'), objectionId: objectionId() });
  return { applicationSchema, indicatorsSchema, actionSchemas, actionSchema, parseAction, objectionSchema, signalledObjectionSchema };
}

const objectionId = () => z.string().min(1).max(L.objectionId).refine(storable, STORABLE);

export const { actionSchemas, actionSchema, parseAction, objectionSchema } = requestSchemas();
