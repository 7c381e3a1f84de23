export const RATINGS = ['excellent', 'qualified', 'unqualified'] as const;
export type Rating = (typeof RATINGS)[number];

export const MATERIAL_KINDS = [
  'application_form',
  'legal_person_certificate',
  'cooperation_agreement',
  'results_proof',
  'substantive_cooperation_proof',
] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

export const AGREEMENT_CLAUSES = ['ipOwnership', 'benefitSharing', 'breachLiability', 'disputeResolution'] as const;
export type AgreementClause = (typeof AGREEMENT_CLAUSES)[number];

/** One issue of the measures, as data: a base is judged all its life by the version it started under. */
export interface Policy {
  version: string;
  /** The document the rules come from, for the audit trail. */
  source: string;
  /** An issue of the measures the bureau published; an illustration is not, and production refuses it. */
  published: boolean;
  /** The last day the measures say they are in force (Art. 16), if they say one. */
  inForceUntil?: string;
  minYearsRegistered: number;
  requiredMaterials: readonly MaterialKind[];
  requiredClauses: readonly AgreementClause[];
  publicityWorkingDays: number;
  rectificationYears: number;
  ratings: readonly Rating[];
  /** Ratings with which a base keeps its status (Art. 11). */
  passingRatings: readonly Rating[];
  baseName: { zh: string; en: string };
  /** Recognition notice number; {year} and {serial} are filled in. */
  noticeFormat: string;
}
