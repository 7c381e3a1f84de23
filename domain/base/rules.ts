import { Actor, Role } from '../actor';
import { forbidden } from '../errors';
import { ActionType } from './commands';
import { BEFORE_CERTIFIED, RECOGNISED, Stage } from './stages';
import { BaseState, currentEvaluation, standingObjections } from './state';
import { pendingWork } from './system';

/** Whose the decision is: any holder of the role, the base's own district, or the applicant itself. */
type Scope = 'any' | 'district' | 'own';

interface ActionRule {
  role: Role;
  scope: Scope;
  stages: readonly Stage[];
  /** What else must hold for the action to be on offer now. */
  when?: (s: BaseState, actor: Actor) => boolean;
  /** Why it is not, when `when` fails in one of its stages: said to the caller instead of the stage. */
  unless?: string;
}

type Condition = Pick<ActionRule, 'when' | 'unless'>;
const district = (stages: Stage[]): ActionRule => ({ role: 'district_officer', scope: 'district', stages });
const own = (stages: readonly Stage[], c: Condition = {}): ActionRule => ({ role: 'applicant', scope: 'own', stages, ...c });
const bureau = (role: Role, stages: readonly Stage[], c: Condition = {}): ActionRule => ({ role, scope: 'any', stages, ...c });

export const ACTION_RULES: Record<ActionType, ActionRule> = {
  recommend: district(['district_review']),
  decline: district(['district_review']),
  return: district(['district_review']),
  resubmit: own(['returned']),
  withdraw: own(BEFORE_CERTIFIED),
  record_review: bureau('expert', ['expert_review'], { when: (s, a) => !s.reviews.some((r) => r.by.sub === a.sub), unless: 'this expert has already recorded a review of this base' }),
  conclude_review: bureau('bureau_officer', ['expert_review'], { when: (s) => s.reviews.length > 0, unless: 'no expert has recorded a review yet' }),
  approve_candidate: bureau('bureau_leader', ['party_review']),
  reject_candidate: bureau('bureau_leader', ['party_review']),
  rule_objection: bureau('bureau_officer', ['publicity', 'objection_review'], { when: (s) => standingObjections(s).length > 0, unless: 'no objection is standing' }),
  // The contract's stages. A base under re-evaluation files the year's report once rated (any year
  // since its registration is taken), so Art. 6(4) is kept. Runs of generation 11 took it there too.
  submit_annual_report: own(['certified', 'evaluation', 'rectification']),
  start_evaluation: bureau('bureau_officer', ['certified']),
  submit_evaluation_report: own(['evaluation', 're_evaluation'], { when: (s) => !currentEvaluation(s)?.report, unless: "this evaluation's report is already in" }),
  rate: bureau('bureau_officer', ['evaluation', 're_evaluation']),
  submit_rectification_report: own(['rectification']),
  revoke: bureau('bureau_leader', RECOGNISED),
};

export const ACTION_TYPES = Object.keys(ACTION_RULES) as ActionType[];

/** The facts about a base that decide who may touch it, available before the workflow is asked. */
export interface BaseScope {
  district: string;
  creditCode: string;
}

export function scopeOf(s: BaseState): BaseScope {
  return { district: s.application.applicant.district, creditCode: s.application.applicant.creditCode };
}

function inScope(actor: Actor, scope: Scope, base: BaseScope): boolean {
  if (scope === 'district') return actor.district === base.district;
  if (scope === 'own') return actor.org === base.creditCode;
  return true;
}

/** 403 comes before every other refusal: a caller without the right hears so whatever the stage. */
export function authorize(actor: Actor, type: ActionType, base: BaseScope): void {
  const rule = ACTION_RULES[type];
  if (actor.role !== rule.role) throw forbidden(`only a ${rule.role} may ${type}`);
  if (!inScope(actor, rule.scope, base)) {
    throw forbidden(rule.scope === 'district' ? `${type} is for the officers of district ${base.district}` : `${type} is for the applicant itself`);
  }
}

export function isOnOffer(s: BaseState, actor: Actor, type: ActionType): boolean {
  const rule = ACTION_RULES[type];
  return rule.stages.includes(s.stage) && (rule.when?.(s, actor) ?? true);
}

/** Why an action of the right stage is not on offer to this caller, if a rule says why. */
export function whyNotOnOffer(s: BaseState, actor: Actor, type: ActionType): string | undefined {
  const rule = ACTION_RULES[type];
  return rule.stages.includes(s.stage) && rule.when && !rule.when(s, actor) ? rule.unless : undefined;
}

/**
 * Publicity has ended with no objection standing: the system is issuing the recognition notice (a
 * number is being allocated). A withdrawal then would leave that number allocated and never issued.
 */
export const isBeingRecognised = (s: BaseState) => pendingWork(s)?.kind === 'certify';

/** The actions this caller may send now. */
export function allowedActions(s: BaseState, actor: Actor | undefined): ActionType[] {
  if (!actor) return [];
  const base = scopeOf(s);
  return ACTION_TYPES.filter((t) => {
    const rule = ACTION_RULES[t];
    return actor.role === rule.role && inScope(actor, rule.scope, base) && isOnOffer(s, actor, t) && !(t === 'withdraw' && isBeingRecognised(s));
  });
}

/** Objections are open to the public for exactly as long as the publicity window is. */
export const acceptsObjections = (s: BaseState) => s.stage === 'publicity' && !s.publicity?.closedAt;

/** May this caller read the base at all? Staff may, district officers only their own district. */
export function mayRead(actor: Actor, base: BaseScope): boolean {
  if (actor.role === 'applicant') return actor.org === base.creditCode;
  if (actor.role === 'district_officer') return actor.district === base.district;
  return actor.role !== 'public';
}
