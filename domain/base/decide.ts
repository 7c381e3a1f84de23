import { ROLES } from '../actor';
import { eligibilityProblems } from '../eligibility';
import { DomainError, forbidden, FieldProblem, illegalStage, ineligible, invalid } from '../errors';
import { actorProblems, readSignalled } from '../requests/signal';
import { policyOf } from '../policy';
import { allStorable, STORABLE } from '../storable';
import { addYearsToInstant, isIsoInstant, shanghaiDate, yearOf } from '../time';
import { ActionCommand, Command, CommandMeta, ObjectionCommand, SubmitCommand, SystemCommand } from './commands';
import { DomainEvent } from './events';
import { acceptsObjections, allowedActions, authorize, isBeingRecognised, isOnOffer, scopeOf, whyNotOnOffer } from './rules';
import { BaseState, currentEvaluation, standingObjections } from './state';
import { pendingWork } from './system';

type Emit = DomainEvent[];
/** A way of admitting a command: `decide`, `admit`, or one of the signal admissions below. */
export type Rules = (state: BaseState | undefined, cmd: Command) => Emit;
const meta = (c: CommandMeta): CommandMeta => ({ at: c.at, actor: c.actor, commandId: c.commandId, ...(c.via ? { via: c.via } : {}) });

/**
 * The whole rulebook: given the state a base is in and a command, the events it causes, or a
 * DomainError saying why not. Checks run in the contract's order: 403, then 422, then 409.
 */
export function decide(state: BaseState | undefined, cmd: Command): Emit {
  if (cmd.type === 'submit') return decideSubmit(state, cmd);
  if (!state) throw new DomainError('NOT_FOUND', 'no such base');
  if (cmd.type === 'file_objection') return decideObjection(state, cmd);
  if (cmd.actor.role === 'system') return decideSystem(state, cmd as SystemCommand);
  return decideAction(state, cmd as ActionCommand);
}

/**
 * `decide`, and the rules that read a command's clock against a deadline the system closes with a
 * timer: an objection filed at or after publicity's end is refused even while the timer that
 * closes it has not run yet (a worker busy or down at 24:00). Checked on admission (the update's
 * validator) and not in `decide`, which replays accepted commands: a history that took a late
 * objection before this rule existed replays as it was. So are a withdrawal once publicity has
 * ended unopposed (the notice's number may be being allocated), a rectification report once the
 * period is over, and a site inspection or party meeting dated after today. Since generation 9 an
 * operator's signal is admitted by these rules too, and a signal's admission IS replayed: a change
 * here that would take a signal these rules refuse must be gated by generation, as
 * `admitSignalledAsBefore` is.
 */
export function admit(state: BaseState | undefined, cmd: Command): Emit {
  const endsAt = state?.publicity?.endsAt;
  if (cmd.type === 'file_objection' && state && endsAt && Date.parse(cmd.at) >= Date.parse(endsAt)) {
    throw new DomainError('ILLEGAL_STAGE', `publicity ended at ${endsAt}; objections are taken only while it is open`, { stage: state.stage, allowedActions: [] });
  }
  const dated = proceedingDateProblems(cmd);
  let events: Emit;
  try {
    events = decide(state, cmd);
  } catch (err) {
    // The contract's order: a refused caller hears 403 whatever the body; a bad body 422 before the stage's 409.
    if (!dated.length || !(err instanceof DomainError) || err.code === 'FORBIDDEN' || err.code === 'NOT_FOUND') throw err;
    throw invalid(`${cmd.type}: not possible for this base`, [...(err.code === 'INVALID' ? (err.details.errors ?? []) : []), ...dated]);
  }
  if (dated.length) throw invalid(`${cmd.type}: not possible for this base`, dated);
  // After the stage's and the caller's checks, so that a refusal says 403 or 422 first.
  if (state) refuseAfterDeadline(state, cmd);
  return events;
}

/**
 * What a command stamped at or after a window's end may no longer do, though the timer that closes
 * the window has not run yet: withdraw a base whose publicity ended unopposed (it is as good as
 * recognised), or send a report for a rectification period that is over (the re-evaluation is due).
 */
function refuseAfterDeadline(state: BaseState, cmd: Command): void {
  const at = Date.parse(cmd.at);
  const stillOnOffer = () => allowedActions(state, cmd.actor).filter((t) => t !== cmd.type);
  const endsAt = state.publicity?.endsAt;
  const unopposedEnd = state.stage === 'publicity' && !!endsAt && at >= Date.parse(endsAt) && standingObjections(state).length === 0;
  if (cmd.type === 'withdraw' && (isBeingRecognised(state) || unopposedEnd)) {
    throw new DomainError('ILLEGAL_STAGE', 'publicity has ended with no objection standing: the base is being recognised', { stage: state.stage, allowedActions: stillOnOffer() });
  }
  const dueAt = state.rectification?.dueAt;
  if (cmd.type === 'submit_rectification_report' && state.stage === 'rectification' && dueAt && at >= Date.parse(dueAt)) {
    throw new DomainError('ILLEGAL_STAGE', `the rectification period ended at ${dueAt}; the re-evaluation follows`, { stage: state.stage, allowedActions: stillOnOffer() });
  }
}

/**
 * The date a decision gives of the proceeding it records (the site inspection, the party group's
 * meeting) is not after today: a meeting next month is a slip of the keyboard that would stand in
 * the record for good. No lower bound: a review may well cite an inspection made for an earlier
 * application, and under TIME_SCALE a base's whole life passes within a day.
 */
function proceedingDateProblems(cmd: Command): FieldProblem[] {
  const today = shanghaiDate(cmd.at);
  const notLater = (date: string | undefined, path: string): FieldProblem[] => (date && date > today ? [{ path, message: `not after today (${today})` }] : []);
  if (cmd.type === 'conclude_review') return notLater(cmd.siteInspection?.date, 'siteInspection.date');
  if (cmd.type === 'approve_candidate' || cmd.type === 'reject_candidate') return notLater(cmd.meeting?.date, 'meeting.date');
  return [];
}

/**
 * The most objections a base's publicity takes by request. The public form needs no account, and
 * every objection stays in the base's state for life, which every answer, every run's hand-over and
 * the result carry: at up to 7 KB each, a few hundred would pass Temporal's 2 MB payload limit and
 * leave the base unable to take a decision.
 */
export const OBJECTIONS_A_PUBLICITY_HOLDS = 100;

/**
 * `admit` for a request, in the update's validator (which replay never runs, so the bound can
 * change freely): counted in the run itself, so that requests filed at once cannot pass it.
 */
export function admitRequest(state: BaseState | undefined, cmd: Command): Emit {
  if (cmd.type === 'file_objection' && state && (state.publicity?.objections.length ?? 0) >= OBJECTIONS_A_PUBLICITY_HOLDS) {
    throw illegalStage(cmd.type, state.stage, [], `this base's publicity has taken the ${OBJECTIONS_A_PUBLICITY_HOLDS} objections it can hold, and the bureau rules on each; write to the bureau directly`);
  }
  return admit(state, cmd);
}

/**
 * `decide` for an operator's signal, which has no API in front of it: a clock that is not an
 * instant, or text PostgreSQL cannot store, would be accepted and then fail every task or write
 * after it, so they are refused here as the API's schemas refuse them.
 */
export function admitSignalled(state: BaseState | undefined, cmd: Command, rules: Rules = decide): Emit {
  if (!isIsoInstant(cmd.at)) throw invalid('a signalled command carries `at` as an ISO-8601 instant, or none', [{ path: 'at', message: 'an instant with offset' }]);
  if (!allStorable(cmd)) throw invalid(`a signalled command ${STORABLE}`, [{ path: '(body)', message: STORABLE }]);
  return rules(state, cmd);
}

/**
 * `admitSignalled`, for a signal sent by a person named as a token names one (runs of generation 8
 * on): signed as the system, an operator could close a window before its time (the trail would
 * show the timer's step), and an actor without a name is one no write can store.
 */
export function admitSignalledFromPeople(state: BaseState | undefined, cmd: Command, rules: Rules = decide): Emit {
  refuseUnlessFromPerson(senderProblems(cmd));
  return admitSignalled(state, cmd, rules);
}

function senderProblems(cmd: Command): FieldProblem[] {
  const a = (cmd.actor ?? {}) as Partial<Record<'sub' | 'name' | 'role', unknown>>;
  const named = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  const roles: readonly string[] = cmd.type === 'file_objection' ? [...ROLES, 'public'] : ROLES;
  return [
    ...(named(a.sub) ? [] : [{ path: 'actor.sub', message: 'who sent it' }]),
    ...(named(a.name) ? [] : [{ path: 'actor.name', message: 'their name' }]),
    ...(roles.includes(String(a.role)) ? [] : [{ path: 'actor.role', message: `one of ${roles.join(', ')}` }]),
  ];
}

function refuseUnlessFromPerson(problems: FieldProblem[]): void {
  if (problems.length) throw invalid('a signalled command is sent by a person, named as a token names one', problems);
}

/**
 * `admitSignalledFromPeople` under the rules the API's requests are admitted by (runs of generation 9
 * on): a signalled withdrawal while the recognition was being issued left the notice's number
 * allocated and never issued, and a signalled objection stamped after publicity's end, taken before
 * the timer ran, kept an unopposed base from recognition; `admit` refuses both to a request.
 */
export const admitSignalledAsRequests = (state: BaseState | undefined, cmd: Command): Emit => admitSignalledFromPeople(state, cmd, admit);

/** What names a request once: an Idempotency-Key, or a signalled command's id. */
export const REQUEST_KEY_RULE = '1 to 200 visible ASCII characters';
export const isRequestKey = (key: string): boolean => /^[\x21-\x7e]{1,200}$/.test(key);

/** The most a signalled command may weigh, in bytes of JSON: the API's body limit (100 KB). */
export const SIGNAL_MAX_BYTES = 100 * 1024;

/**
 * `admitSignalledAsRequests` within the bounds the API holds a request to (runs of generation 11
 * on): a command id longer than a PostgreSQL index row takes (about 2.7 KB) failed every write of
 * the base for good, and a command of megabytes would carry the base's state past Temporal's 2 MB
 * payload limit. Both left the base unable to take a decision.
 */
export function admitSignalledWithinBounds(state: BaseState | undefined, cmd: Command): Emit {
  if (typeof cmd.commandId !== 'string' || !isRequestKey(cmd.commandId)) {
    throw invalid(`a signalled command id is ${REQUEST_KEY_RULE}, as an Idempotency-Key is`, [{ path: 'commandId', message: REQUEST_KEY_RULE }]);
  }
  if (new TextEncoder().encode(JSON.stringify(cmd)).length > SIGNAL_MAX_BYTES) {
    throw invalid(`a signalled command is at most ${SIGNAL_MAX_BYTES} bytes of JSON, as a request's body is`, [{ path: '(body)', message: 'too large' }]);
  }
  return admitSignalledAsRequests(state, cmd);
}

/**
 * `admitSignalledWithinBounds`, the sender held to what a token's claims may name and the body to the
 * schema its request would meet (runs of generation 13 on). Typed by hand, `"passed": "false"` is a
 * string that reads as true, and concluded a review as passed while the record said "false"; and
 * within 100 KB a reason could run to thirty thousand characters, carried by every letter for good.
 * The workflow decides the command in its request's form (`asRequested`).
 */
export function admitSignalledBySchema(state: BaseState | undefined, cmd: Command): Emit {
  // Who sent it before what it says, as a request hears 401 or 403 before 422.
  refuseUnlessFromPerson([...senderProblems(cmd), ...actorProblems(cmd.actor)]);
  const read = readSignalled(cmd);
  if (!read.ok) throw invalid('a signalled command is held to what a request may carry', read.problems);
  return admitSignalledWithinBounds(state, read.cmd);
}

/**
 * Rules as runs of generation 11 applied them, kept for their replay: an annual report from a base
 * under re-evaluation was taken then, with the checks and the event of one in rectification (the
 * stage bears on neither). The contract takes it only from certified, evaluation and rectification.
 */
export const takingReportsInReEvaluation =
  (rules: Rules): Rules =>
  (state, cmd) =>
    rules(cmd.type === 'submit_annual_report' && state?.stage === 're_evaluation' ? { ...state, stage: 'rectification' } : state, cmd);

/**
 * A signal as runs of generation 6 and earlier admitted it, kept for their replay: `decide` alone,
 * with annual reports taken only from the year of recognition (the rule until December 2026). A
 * signal they refused stands in their histories, its handler having issued nothing, and must be
 * refused again; one they accepted is accepted again, the rules since being only wider.
 */
export function admitSignalledAsBefore(state: BaseState | undefined, cmd: Command): Emit {
  const events = decide(state, cmd);
  const since = state?.certification ? yearOf(shanghaiDate(state.certification.certifiedAt)) : 0;
  if (cmd.type === 'submit_annual_report' && cmd.year < since) throw invalid(`${cmd.type}: not possible for this base`, [{ path: 'year', message: `the base was recognised in ${since}` }]);
  return events;
}

function decideSubmit(state: BaseState | undefined, cmd: SubmitCommand): Emit {
  if (cmd.actor.role !== 'applicant') throw forbidden('only an applicant may apply');
  if (cmd.actor.org !== cmd.application.applicant.creditCode) throw forbidden('an applicant may only apply for its own organisation');
  if (state) throw illegalStage('submit', state.stage, []);
  const problems = eligibilityProblems(cmd.application, shanghaiDate(cmd.at), policyOf(cmd.policyVersion));
  if (problems.length) throw ineligible(problems);
  return [{ ...meta(cmd), type: 'Submitted', baseId: cmd.baseId, policyVersion: cmd.policyVersion, application: cmd.application }];
}

function decideObjection(state: BaseState, cmd: ObjectionCommand): Emit {
  if (!acceptsObjections(state)) throw illegalStage('file_objection', state.stage, []);
  const { objectionId, name, contact, reason } = cmd;
  if (state.publicity?.objections.some((o) => o.id === objectionId)) throw invalid('objection id already used', [{ path: 'objectionId', message: 'already used' }]);
  return [{ ...meta(cmd), type: 'ObjectionFiled', objectionId, name, contact, reason }];
}

/** Checks of the body that do not depend on the stage (422 before 409). */
function bodyProblems(state: BaseState, cmd: ActionCommand): FieldProblem[] {
  const policy = policyOf(state.policyVersion);
  const need = (ok: boolean, path: string, message: string) => (ok ? [] : [{ path, message }]);
  switch (cmd.type) {
    case 'decline':
    case 'return':
    case 'revoke':
    case 'reject_candidate':
      return need(!!cmd.reason?.trim(), 'reason', 'a reason is required');
    case 'record_review':
      return need(Number.isInteger(cmd.score) && cmd.score >= 0 && cmd.score <= 100, 'score', 'an integer from 0 to 100');
    case 'rate':
      return need(policy.ratings.includes(cmd.rating), 'rating', `one of ${policy.ratings.join(', ')}`);
    case 'conclude_review':
      return need(!cmd.passed || !!cmd.siteInspection, 'siteInspection', 'a passing review records its site inspection (Art. 8(3))');
    case 'submit_annual_report':
      return need(cmd.year <= yearOf(shanghaiDate(cmd.at)), 'year', 'a report cannot cover a year still to come');
    case 'resubmit': {
      const problems = need(
        cmd.application.applicant.creditCode === state.application.applicant.creditCode,
        'application.applicant.creditCode',
        'a resubmission is for the same organisation',
      );
      if (problems.length) return problems;
      const ineligibleNow = eligibilityProblems(cmd.application, shanghaiDate(cmd.at), policy);
      if (ineligibleNow.length) throw ineligible(ineligibleNow.map((p) => ({ ...p, path: `application.${p.path}` })));
      return [];
    }
    default:
      return [];
  }
}

/** Checks of the body against what the base already holds, once the stage allows the action. */
function stateProblems(state: BaseState, cmd: ActionCommand): FieldProblem[] {
  switch (cmd.type) {
    case 'rule_objection': {
      const o = state.publicity?.objections.find((x) => x.id === cmd.objectionId);
      if (!o) return [{ path: 'objectionId', message: 'no such objection on this base' }];
      return o.status === 'standing' ? [] : [{ path: 'objectionId', message: `already ruled (${o.status})` }];
    }
    case 'submit_annual_report': {
      if (state.annualReports.some((r) => r.year === cmd.year)) return [{ path: 'year', message: `the ${cmd.year} report is already in` }];
      // Any year of the host's own since it was registered: a base recognised in January still
      // reports the year it applied with, and the measures set no earlier bound.
      const since = yearOf(state.application.applicant.registeredOn);
      return cmd.year < since ? [{ path: 'year', message: `the organisation was registered in ${since}` }] : [];
    }
    case 'start_evaluation':
      return state.evaluations.some((e) => e.round === cmd.round) ? [{ path: 'round', message: `round ${cmd.round} already held` }] : [];
    default:
      return [];
  }
}

function decideAction(state: BaseState, cmd: ActionCommand): Emit {
  authorize(cmd.actor, cmd.type, scopeOf(state));
  const problems = bodyProblems(state, cmd);
  if (problems.length) throw invalid(`${cmd.type}: invalid body`, problems);
  if (!isOnOffer(state, cmd.actor, cmd.type)) throw illegalStage(cmd.type, state.stage, allowedActions(state, cmd.actor), whyNotOnOffer(state, cmd.actor, cmd.type));
  const later = stateProblems(state, cmd);
  if (later.length) throw invalid(`${cmd.type}: not possible for this base`, later);
  const m = meta(cmd);
  const policy = policyOf(state.policyVersion);
  switch (cmd.type) {
    case 'recommend':
      return [{ ...m, type: 'Recommended', comment: cmd.comment }];
    case 'decline':
      return [{ ...m, type: 'Declined', reason: cmd.reason }];
    case 'return':
      return [{ ...m, type: 'Returned', reason: cmd.reason }];
    case 'resubmit':
      return [{ ...m, type: 'Resubmitted', application: cmd.application }];
    case 'withdraw':
      return [{ ...m, type: 'Withdrawn', reason: cmd.reason }];
    case 'record_review':
      return [{ ...m, type: 'ReviewRecorded', score: cmd.score, opinion: cmd.opinion }];
    case 'conclude_review':
      return [{ ...m, type: 'ReviewConcluded', passed: cmd.passed, opinion: cmd.opinion, siteInspection: cmd.siteInspection }];
    case 'approve_candidate':
      return [{ ...m, type: 'CandidateApproved', meeting: cmd.meeting }];
    case 'reject_candidate':
      return [{ ...m, type: 'CandidateRejected', meeting: cmd.meeting, reason: cmd.reason }];
    case 'rule_objection':
      return [{ ...m, type: 'ObjectionRuled', objectionId: cmd.objectionId, upheld: cmd.upheld, reason: cmd.reason }];
    case 'submit_annual_report':
      return [{ ...m, type: 'AnnualReportSubmitted', year: cmd.year, indicators: cmd.indicators }];
    case 'start_evaluation':
      return [{ ...m, type: 'EvaluationStarted', round: cmd.round }];
    case 'submit_evaluation_report':
      return [{ ...m, type: 'EvaluationReportSubmitted', indicators: cmd.indicators }];
    case 'rate': {
      const rated: DomainEvent = { ...m, type: 'Rated', rating: cmd.rating, opinion: cmd.opinion };
      if (policy.passingRatings.includes(cmd.rating)) return [rated];
      if (currentEvaluation(state)?.phase === 're_evaluation') {
        return [rated, { ...m, type: 'Revoked', reason: '复评仍不合格，取消合作基地资格（第十一条）' }];
      }
      return [rated, { ...m, type: 'RectificationStarted', dueAt: addYearsToInstant(cmd.at, policy.rectificationYears) }];
    }
    case 'submit_rectification_report':
      return [{ ...m, type: 'RectificationReportSubmitted', summary: cmd.summary }];
    case 'revoke':
      return [{ ...m, type: 'Revoked', reason: cmd.reason }];
  }
}

function decideSystem(state: BaseState, cmd: SystemCommand): Emit {
  const m = meta(cmd);
  const p = state.publicity;
  const refuse = () => illegalStage(cmd.type, state.stage, []);
  switch (cmd.type) {
    case 'schedule_publicity':
      if (state.stage !== 'publicity' || !p || p.endsAt) throw refuse();
      return [{ ...m, type: 'PublicityScheduled', firstDay: cmd.firstDay, lastDay: cmd.lastDay, endsAt: cmd.endsAt }];
    case 'await_calendar':
      if (state.stage !== 'publicity' || !p || p.endsAt) throw refuse();
      return p.awaitingCalendarYear === cmd.year ? [] : [{ ...m, type: 'PublicityAwaitingCalendar', year: cmd.year, ...(cmd.firstDay ? { firstDay: cmd.firstDay } : {}) }];
    case 'close_publicity':
      if (state.stage !== 'publicity' || !p?.endsAt || p.closedAt) throw refuse();
      return [{ ...m, type: 'PublicityClosed', standingObjections: standingObjections(state).length }];
    case 'certify': {
      if (pendingWork(state)?.kind !== 'certify') throw refuse();
      const policy = policyOf(state.policyVersion);
      const notice = policy.noticeFormat.replace('{year}', String(cmd.noticeYear)).replace('{serial}', String(cmd.noticeSerial));
      return [{ ...m, type: 'Certified', notice, name: policy.baseName }];
    }
    case 'end_rectification':
      if (state.stage !== 'rectification') throw refuse();
      return [{ ...m, type: 'RectificationEnded' }];
    default:
      // A person's action signed as the system (an operator's signal): refused, not left to fail every task after it.
      throw invalid(`${(cmd as { type: string }).type} is not a step the system takes`, [{ path: 'actor.role', message: 'the system takes only its own steps' }]);
  }
}
