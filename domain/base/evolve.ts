import { policyOf } from '../policy';
import { DomainEvent } from './events';
import { BaseState, currentEvaluation } from './state';

/** Folds one event into the state. Never refuses: whatever was decided has happened. */
export function evolve(state: BaseState | undefined, e: DomainEvent): BaseState {
  if (e.type === 'Submitted') {
    return {
      id: e.baseId,
      policyVersion: e.policyVersion,
      stage: 'district_review',
      version: 1,
      application: e.application,
      submittedAt: e.at,
      updatedAt: e.at,
      returns: [],
      reviews: [],
      annualReports: [],
      evaluations: [],
    };
  }
  if (!state) throw new Error(`${e.type} before Submitted`);
  const s: BaseState = { ...state, version: state.version + 1, updatedAt: e.at };
  const by = e.actor;
  const close = (outcome: string, reason?: string, stage: BaseState['stage'] = 'rejected'): BaseState => ({
    ...s,
    stage,
    closure: { at: e.at, by, outcome, reason },
  });
  const withEvaluation = (patch: object): BaseState['evaluations'] => {
    const list = [...s.evaluations];
    list[list.length - 1] = { ...currentEvaluation(s)!, ...patch };
    return list;
  };
  switch (e.type) {
    case 'Recommended':
      return { ...s, stage: 'expert_review', recommendation: { at: e.at, by, comment: e.comment } };
    case 'Declined':
      return close('declined', e.reason);
    case 'Returned':
      return { ...s, stage: 'returned', returns: [...s.returns, { at: e.at, by, reason: e.reason }] };
    case 'Resubmitted':
      return { ...s, stage: 'district_review', application: e.application };
    case 'Withdrawn':
      return close('withdrawn', e.reason, 'withdrawn');
    case 'ReviewRecorded':
      return { ...s, reviews: [...s.reviews, { at: e.at, by, score: e.score, opinion: e.opinion }] };
    case 'ReviewConcluded': {
      const conclusion = { at: e.at, by, passed: e.passed, opinion: e.opinion, siteInspection: e.siteInspection };
      return e.passed ? { ...s, stage: 'party_review', conclusion } : { ...close('review_failed', e.opinion), conclusion };
    }
    case 'CandidateApproved':
      return {
        ...s,
        stage: 'publicity',
        partyDecision: { at: e.at, by, approved: true, meeting: e.meeting },
        publicity: { openedAt: e.at, objections: [] },
      };
    case 'CandidateRejected':
      return { ...close('candidate_rejected', e.reason), partyDecision: { at: e.at, by, approved: false, meeting: e.meeting, reason: e.reason } };
    case 'PublicityScheduled':
      return { ...s, publicity: { ...s.publicity!, firstDay: e.firstDay, lastDay: e.lastDay, endsAt: e.endsAt, awaitingCalendarYear: undefined } };
    case 'PublicityAwaitingCalendar':
      return { ...s, publicity: { ...s.publicity!, awaitingCalendarYear: e.year, ...(e.firstDay ? { firstDay: e.firstDay } : {}) } };
    case 'ObjectionFiled': {
      const objection = { id: e.objectionId, filedAt: e.at, name: e.name, contact: e.contact, reason: e.reason, status: 'standing' as const };
      return { ...s, publicity: { ...s.publicity!, objections: [...s.publicity!.objections, objection] } };
    }
    case 'ObjectionRuled': {
      const objections = s.publicity!.objections.map((o) =>
        o.id === e.objectionId ? { ...o, status: e.upheld ? ('upheld' as const) : ('dismissed' as const), ruling: { at: e.at, by, reason: e.reason } } : o,
      );
      const next = { ...s, publicity: { ...s.publicity!, objections } };
      return e.upheld ? { ...next, stage: 'rejected', closure: { at: e.at, by, outcome: 'objection_upheld', reason: e.reason } } : next;
    }
    case 'PublicityClosed':
      return { ...s, stage: e.standingObjections > 0 ? 'objection_review' : 'publicity', publicity: { ...s.publicity!, closedAt: e.at } };
    case 'Certified':
      return { ...s, stage: 'certified', certification: { notice: e.notice, certifiedAt: e.at, name: e.name } };
    case 'AnnualReportSubmitted':
      return { ...s, annualReports: [...s.annualReports, { year: e.year, at: e.at, indicators: e.indicators }] };
    case 'EvaluationStarted':
      return { ...s, stage: 'evaluation', evaluations: [...s.evaluations, { round: e.round, phase: 'evaluation', startedAt: e.at }] };
    case 'EvaluationReportSubmitted':
      return { ...s, evaluations: withEvaluation({ report: { at: e.at, indicators: e.indicators } }) };
    case 'Rated': {
      const evaluations = withEvaluation({ rating: e.rating, opinion: e.opinion, ratedAt: e.at, ratedBy: by });
      const keeps = policyOf(s.policyVersion).passingRatings.includes(e.rating);
      return { ...s, evaluations, stage: keeps ? 'certified' : s.stage };
    }
    case 'RectificationStarted':
      return { ...s, stage: 'rectification', rectification: { startedAt: e.at, dueAt: e.dueAt, reports: [] } };
    case 'RectificationReportSubmitted':
      return { ...s, rectification: { ...s.rectification!, reports: [...s.rectification!.reports, { at: e.at, summary: e.summary }] } };
    case 'RectificationEnded': {
      const round = currentEvaluation(s)?.round ?? '';
      return {
        ...s,
        stage: 're_evaluation',
        rectification: { ...s.rectification!, endedAt: e.at },
        evaluations: [...s.evaluations, { round, phase: 're_evaluation', startedAt: e.at }],
      };
    }
    case 'Revoked':
      return close('revoked', e.reason, 'revoked');
  }
}
