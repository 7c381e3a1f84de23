import { Actor } from '../actor';
import { Application, Indicators } from '../application';
import { Rating } from '../policy';
import { IsoDate, IsoInstant } from '../time';
import { Channel, Meeting } from './commands';

interface Meta {
  at: IsoInstant;
  actor: Actor;
  commandId: string;
  via?: Channel;
}

type E<T extends string, P = object> = Meta & { type: T } & P;

export type DomainEvent =
  | E<'Submitted', { baseId: string; policyVersion: string; application: Application }>
  | E<'Recommended', { comment?: string }>
  | E<'Declined', { reason: string }>
  | E<'Returned', { reason: string }>
  | E<'Resubmitted', { application: Application }>
  | E<'Withdrawn', { reason?: string }>
  | E<'ReviewRecorded', { score: number; opinion?: string }>
  | E<'ReviewConcluded', { passed: boolean; opinion?: string; siteInspection?: { date: IsoDate; summary: string } }>
  | E<'CandidateApproved', { meeting: Meeting }>
  | E<'CandidateRejected', { meeting: Meeting; reason: string }>
  | E<'PublicityScheduled', { firstDay: IsoDate; lastDay: IsoDate; endsAt: IsoInstant }>
  | E<'PublicityAwaitingCalendar', { year: number; firstDay?: IsoDate }>
  | E<'ObjectionFiled', { objectionId: string; name: string; contact: string; reason: string }>
  | E<'ObjectionRuled', { objectionId: string; upheld: boolean; reason?: string }>
  | E<'PublicityClosed', { standingObjections: number }>
  | E<'Certified', { notice: string; name: { zh: string; en: string } }>
  | E<'AnnualReportSubmitted', { year: number; indicators: Indicators }>
  | E<'EvaluationStarted', { round: string }>
  | E<'EvaluationReportSubmitted', { indicators: Indicators }>
  | E<'Rated', { rating: Rating; opinion?: string }>
  | E<'RectificationStarted', { dueAt: IsoInstant }>
  | E<'RectificationReportSubmitted', { summary: string }>
  | E<'RectificationEnded', object>
  | E<'Revoked', { reason: string }>;

export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;
