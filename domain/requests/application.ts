import { z } from 'zod';
import { Application, Indicators, LEGAL_PERSON_TYPES, PARTNER_KINDS } from '../application';
import { isCountryCode } from '../countries';
import { districtName } from '../districts';
import { TEXT_LIMITS as L } from '../limits';
import { MATERIAL_KINDS } from '../policy';
import { count, isoDate, text } from './fields';

/**
 * The application's schemas, built anew on each call: a workflow builds its own (see `signal.ts`).
 */
export function applicationSchemas() {
  const applicationSchema = z.strictObject({
    applicant: z.strictObject({
      name: text(L['application.applicant.name']),
      creditCode: z.string().length(18, 'a unified social credit code has 18 characters').toUpperCase(),
      district: z.string().refine((c) => !!districtName(c), 'a district code from /api/districts'),
      legalPersonType: z.enum(LEGAL_PERSON_TYPES),
      registeredOn: isoDate(),
      creditBlacklisted: z.boolean(),
      contact: z.strictObject({
        name: text(L['application.applicant.contact.name']),
        phone: z.string().regex(/^[0-9+\-() ]{5,30}$/, 'a phone number'),
        email: z.email().max(L['application.applicant.contact.email']),
      }),
    }),
    foreignPartner: z.strictObject({
      name: text(L['application.foreignPartner.name']),
      country: z
        .string()
        .toUpperCase()
        .refine(isCountryCode, 'an ISO 3166-1 alpha-2 code')
        .refine((c) => c !== 'CN', 'the partner must be from outside mainland China'),
      kind: z.enum(PARTNER_KINDS),
    }),
    field: text(L['application.field']),
    cooperationSummary: text(L['application.cooperationSummary']),
    agreement: z
      .strictObject({
        title: text(L['application.agreement.title']),
        signedOn: isoDate(),
        validUntil: isoDate(),
        clauses: z.strictObject({ ipOwnership: z.boolean(), benefitSharing: z.boolean(), breachLiability: z.boolean(), disputeResolution: z.boolean() }),
      })
      .refine((a) => a.signedOn <= a.validUntil, { path: ['validUntil'], message: 'cannot end before it was signed' }),
    team: z.strictObject({ researchers: count(100_000), foreignExperts: count(10_000) }),
    materials: z
      .array(z.strictObject({ kind: z.enum(MATERIAL_KINDS), name: text(L['application.materials.name']), sha256: z.string().regex(/^[a-fA-F0-9]{64}$/, 'a SHA-256 in hex') }))
      .max(50),
  });
  const indicatorsSchema = z.strictObject({
    talents: count(1_000_000),
    results: count(1_000_000),
    programmes: count(1_000_000),
    exchanges: count(10_000_000),
    meetings: count(1_000_000),
    revenueGrowthPct: z.number().min(-100).max(1_000_000),
  });
  return { applicationSchema, indicatorsSchema };
}

export const { applicationSchema, indicatorsSchema } = applicationSchemas();

// The wire types and the domain's types are one and the same.
const _application: Application = {} as z.output<typeof applicationSchema>;
const _indicators: Indicators = {} as z.output<typeof indicatorsSchema>;
void _application;
void _indicators;
