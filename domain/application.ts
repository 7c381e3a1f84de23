import { AgreementClause, MaterialKind } from './policy';
import { IsoDate } from './time';

export const LEGAL_PERSON_TYPES = ['enterprise', 'university', 'research_institute', 'public_institution', 'other'] as const;
export const PARTNER_KINDS = ['university', 'research_institute', 'enterprise', 'other'] as const;

export interface Application {
  applicant: {
    name: string;
    creditCode: string;
    district: string;
    legalPersonType: (typeof LEGAL_PERSON_TYPES)[number];
    registeredOn: IsoDate;
    creditBlacklisted: boolean;
    contact: { name: string; phone: string; email: string };
  };
  foreignPartner: { name: string; country: string; kind: (typeof PARTNER_KINDS)[number] };
  field: string;
  cooperationSummary: string;
  agreement: {
    title: string;
    signedOn: IsoDate;
    validUntil: IsoDate;
    clauses: Record<AgreementClause, boolean>;
  };
  team: { researchers: number; foreignExperts: number };
  materials: { kind: MaterialKind; name: string; sha256: string }[];
}

/** The five indicators of Art. 9, reported yearly and at evaluation. */
export interface Indicators {
  talents: number;
  results: number;
  programmes: number;
  exchanges: number;
  meetings: number;
  revenueGrowthPct: number;
}
