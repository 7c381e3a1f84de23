export const STAGES = [
  'district_review',
  'returned',
  'expert_review',
  'party_review',
  'publicity',
  'objection_review',
  'certified',
  'evaluation',
  'rectification',
  're_evaluation',
  'rejected',
  'withdrawn',
  'revoked',
] as const;
export type Stage = (typeof STAGES)[number];

export const TERMINAL_STAGES: readonly Stage[] = ['rejected', 'withdrawn', 'revoked'];
/** Every stage a base can be in before it is recognised: the first six, in the order of the procedure. */
export const BEFORE_CERTIFIED: readonly Stage[] = STAGES.slice(0, STAGES.indexOf('certified'));
export const RECOGNISED: readonly Stage[] = ['certified', 'evaluation', 'rectification', 're_evaluation'];

export const isTerminal = (stage: Stage) => TERMINAL_STAGES.includes(stage);
