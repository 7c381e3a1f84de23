import { EventRecord } from './apply';
import { Channel } from './commands';
import { DomainEvent, EventType } from './events';

/** What an auditor needs of one event: who, what, when, the stage move, and the decision's particulars. */
export interface AuditFact {
  seq: number;
  at: string;
  type: EventType;
  commandId: string;
  actor: { sub: string; name: string; role: string };
  /** How the command came, where its event says so. */
  via?: Channel;
  from: string | null;
  to: string;
  detail: Record<string, unknown>;
}

/** The command (action) behind the first event of a decision. */
export const ACTION_OF_EVENT: Record<EventType, string> = {
  Submitted: 'submit',
  Recommended: 'recommend',
  Declined: 'decline',
  Returned: 'return',
  Resubmitted: 'resubmit',
  Withdrawn: 'withdraw',
  ReviewRecorded: 'record_review',
  ReviewConcluded: 'conclude_review',
  CandidateApproved: 'approve_candidate',
  CandidateRejected: 'reject_candidate',
  PublicityScheduled: 'schedule_publicity',
  PublicityAwaitingCalendar: 'await_calendar',
  ObjectionFiled: 'file_objection',
  ObjectionRuled: 'rule_objection',
  PublicityClosed: 'close_publicity',
  Certified: 'certify',
  AnnualReportSubmitted: 'submit_annual_report',
  EvaluationStarted: 'start_evaluation',
  EvaluationReportSubmitted: 'submit_evaluation_report',
  Rated: 'rate',
  RectificationStarted: 'start_rectification',
  RectificationReportSubmitted: 'submit_rectification_report',
  RectificationEnded: 'end_rectification',
  Revoked: 'revoke',
};

function detailOf(e: DomainEvent): Record<string, unknown> {
  const { type: _t, at: _a, actor: _b, commandId: _c, via: _v, ...rest } = e as DomainEvent & Record<string, unknown>;
  if ('application' in rest) {
    // The full application stays in the event log; the trail names whose it is.
    const app = (e as Extract<DomainEvent, { type: 'Submitted' | 'Resubmitted' }>).application;
    const { application: _app, ...others } = rest;
    // and which documents, by hash: a resubmission replaces them in the base, not in the record.
    return {
      ...others,
      applicant: { name: app.applicant.name, creditCode: app.applicant.creditCode, district: app.applicant.district },
      foreignPartner: app.foreignPartner.name,
      materials: app.materials.map((m) => ({ kind: m.kind, name: m.name, sha256: m.sha256 })),
    };
  }
  if (e.type === 'ObjectionFiled') return { objectionId: e.objectionId, reason: e.reason };
  return rest;
}

/**
 * Keys in one order: the event log's jsonb reorders an object's keys, Temporal's payloads keep them
 * as written, and the same entry must read the same, byte for byte, whichever source speaks.
 */
export function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]),
  );
}

export function auditFactOf(r: EventRecord): AuditFact {
  const e = r.event;
  return {
    seq: r.seq,
    at: e.at,
    type: e.type,
    commandId: e.commandId,
    actor: { sub: e.actor.sub, name: e.actor.name, role: e.actor.role },
    ...(e.via ? { via: e.via } : {}),
    from: r.from,
    to: r.to,
    detail: sortedKeys(detailOf(e)) as Record<string, unknown>,
  };
}
