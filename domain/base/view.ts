import { Actor, AUDIT_ROLES, Role } from '../actor';
import { districtName } from '../districts';
import { ActionType } from './commands';
import { allowedActions } from './rules';
import { BaseState } from './state';

const who = (a: Actor) => ({ sub: a.sub, name: a.name, role: a.role });
const isBureau = (viewer?: Actor) => !!viewer && AUDIT_ROLES.includes(viewer.role as Role);

/** What a caller sees of a base; personal data of objectors and reviewers only where it is needed. */
export function toView(s: BaseState, viewer?: Actor) {
  const app = s.application;
  const p = s.publicity;
  const applicantView = viewer?.role === 'applicant';
  return {
    id: s.id,
    stage: s.stage,
    policyVersion: s.policyVersion,
    version: s.version,
    applicant: { ...app.applicant, districtName: districtName(app.applicant.district) },
    foreignPartner: app.foreignPartner,
    field: app.field,
    cooperationSummary: app.cooperationSummary,
    agreement: app.agreement,
    team: app.team,
    materials: app.materials,
    submittedAt: s.submittedAt,
    updatedAt: s.updatedAt,
    returns: s.returns.map((r) => ({ at: r.at, by: who(r.by), reason: r.reason })),
    recommendation: s.recommendation ? { at: s.recommendation.at, by: who(s.recommendation.by), comment: s.recommendation.comment } : null,
    reviews: applicantView ? [] : s.reviews.map((r) => ({ at: r.at, by: who(r.by), score: r.score, opinion: r.opinion })),
    reviewCount: s.reviews.length,
    conclusion: s.conclusion ? { ...s.conclusion, by: who(s.conclusion.by) } : null,
    partyDecision: s.partyDecision ? { ...s.partyDecision, by: who(s.partyDecision.by) } : null,
    publicity: p
      ? {
          openedAt: p.openedAt,
          firstDay: p.firstDay ?? null,
          lastDay: p.lastDay ?? null,
          endsAt: p.endsAt ?? null,
          closedAt: p.closedAt ?? null,
          waiting: p.awaitingCalendarYear
            ? {
                reason: 'calendar_year_missing',
                year: p.awaitingCalendarYear,
                message: `The official holiday schedule of ${p.awaitingCalendarYear} is not loaded; the window's last day is not guessed. An admin loads it with PUT /api/calendar/${p.awaitingCalendarYear}.`,
              }
            : null,
          objections: p.objections.map((o) =>
            isBureau(viewer)
              ? { id: o.id, filedAt: o.filedAt, status: o.status, name: o.name, contact: o.contact, reason: o.reason, ruling: o.ruling ? { ...o.ruling, by: who(o.ruling.by) } : null }
              : { id: o.id, filedAt: o.filedAt, status: o.status },
          ),
        }
      : null,
    certification: s.certification ?? null,
    annualReports: s.annualReports,
    evaluations: s.evaluations.map((e) => ({
      round: e.round,
      phase: e.phase,
      startedAt: e.startedAt,
      reportSubmittedAt: e.report?.at ?? null,
      indicators: e.report?.indicators ?? null,
      rating: e.rating ?? null,
      opinion: e.opinion ?? null,
      ratedAt: e.ratedAt ?? null,
    })),
    latestRating: [...s.evaluations].reverse().find((e) => e.rating)?.rating ?? null,
    rectification: s.rectification ?? null,
    closure: s.closure ? { ...s.closure, by: who(s.closure.by) } : null,
    allowedActions: allowedActions(s, viewer) as ActionType[],
  };
}
export type BaseView = ReturnType<typeof toView>;

/** The public notice of a base in publicity: what the bureau's website shows, nothing personal. */
export function toPublicNotice(s: BaseState) {
  const p = s.publicity!;
  return {
    id: s.id,
    applicant: { name: s.application.applicant.name, district: s.application.applicant.district, districtName: districtName(s.application.applicant.district) },
    foreignPartner: s.application.foreignPartner,
    field: s.application.field,
    firstDay: p.firstDay ?? null,
    lastDay: p.lastDay ?? null,
    endsAt: p.endsAt ?? null,
    waitingForCalendarYear: p.awaitingCalendarYear ?? null,
    objections: `/api/bases/${s.id}/objections`,
  };
}
