import { AGREEMENT_CLAUSES, MATERIAL_KINDS, Policy, RATINGS } from './types';

/** 郑科规〔2021〕3号, Arts. 7-11 and 14. */
export const POLICY_2021: Policy = {
  version: '2021',
  source: '郑科规〔2021〕3号《郑州市国际科技合作基地认定和管理办法》',
  published: true,
  inForceUntil: '2024-12-31',
  minYearsRegistered: 3,
  requiredMaterials: MATERIAL_KINDS,
  requiredClauses: AGREEMENT_CLAUSES,
  publicityWorkingDays: 5,
  rectificationYears: 1,
  ratings: RATINGS,
  passingRatings: ['excellent', 'qualified'],
  baseName: { zh: '郑州市国际科技合作基地', en: 'Zhengzhou International Science & Technology Cooperation Base' },
  noticeFormat: '郑科国合认〔{year}〕{serial}号',
};
