import { Actor } from '../actor';
import { Application, Indicators } from '../application';
import { Rating } from '../policy';
import { IsoDate, IsoInstant } from '../time';
import { Meeting } from './commands';
import { Stage } from './stages';

export interface Objection {
  id: string;
  filedAt: IsoInstant;
  name: string;
  contact: string;
  reason: string;
  status: 'standing' | 'upheld' | 'dismissed';
  ruling?: { at: IsoInstant; by: Actor; reason?: string };
}

export interface Evaluation {
  round: string;
  phase: 'evaluation' | 're_evaluation';
  startedAt: IsoInstant;
  report?: { at: IsoInstant; indicators: Indicators };
  rating?: Rating;
  opinion?: string;
  ratedAt?: IsoInstant;
  ratedBy?: Actor;
}

export interface BaseState {
  id: string;
  policyVersion: string;
  stage: Stage;
  /** Number of events applied; the sequence number of the last one. */
  version: number;
  application: Application;
  submittedAt: IsoInstant;
  updatedAt: IsoInstant;
  returns: { at: IsoInstant; by: Actor; reason: string }[];
  recommendation?: { at: IsoInstant; by: Actor; comment?: string };
  reviews: { at: IsoInstant; by: Actor; score: number; opinion?: string }[];
  conclusion?: { at: IsoInstant; by: Actor; passed: boolean; opinion?: string; siteInspection?: { date: IsoDate; summary: string } };
  partyDecision?: { at: IsoInstant; by: Actor; approved: boolean; meeting: Meeting; reason?: string };
  publicity?: {
    openedAt: IsoInstant;
    firstDay?: IsoDate;
    lastDay?: IsoDate;
    endsAt?: IsoInstant;
    awaitingCalendarYear?: number;
    closedAt?: IsoInstant;
    objections: Objection[];
  };
  certification?: { notice: string; certifiedAt: IsoInstant; name: { zh: string; en: string } };
  annualReports: { year: number; at: IsoInstant; indicators: Indicators }[];
  evaluations: Evaluation[];
  rectification?: { startedAt: IsoInstant; dueAt: IsoInstant; endedAt?: IsoInstant; reports: { at: IsoInstant; summary: string }[] };
  closure?: { at: IsoInstant; by: Actor; outcome: string; reason?: string };
}

export const standingObjections = (s: BaseState) => s.publicity?.objections.filter((o) => o.status === 'standing') ?? [];
export const currentEvaluation = (s: BaseState): Evaluation | undefined => s.evaluations[s.evaluations.length - 1];
