import { Actor } from '../actor';
import { Application, Indicators } from '../application';
import { YearSchedule } from '../calendar';
import { Rating } from '../policy';
import { IsoDate, IsoInstant } from '../time';

/** The clock and the ids travel in the command, so deciding stays pure and replays identically. */
/** How a person's command reached the workflow: an authenticated request, or an operator's signal in Temporal. */
export type Channel = 'api' | 'signal';

export interface CommandMeta {
  commandId: string;
  at: IsoInstant;
  actor: Actor;
  /** Said by the API and by the workflow's signal handler; absent in commands sent before it was. */
  via?: Channel;
}

export interface Meeting {
  date: IsoDate;
  minutes: string;
}

export interface ActionPayloads {
  recommend: { comment?: string };
  decline: { reason: string };
  return: { reason: string };
  resubmit: { application: Application };
  withdraw: { reason?: string };
  record_review: { score: number; opinion?: string };
  conclude_review: { passed: boolean; opinion?: string; siteInspection?: { date: IsoDate; summary: string } };
  /**
   * `calendar`: the holiday schedules of the years the publicity window may span, as loaded when
   * the approval was sent. The API adds them (no caller can: the HTTP body is strict); the workflow
   * computes the window from them instead of looking the calendar up inside the decision.
   */
  approve_candidate: { meeting: Meeting; calendar?: YearSchedule[] };
  reject_candidate: { meeting: Meeting; reason: string };
  rule_objection: { objectionId: string; upheld: boolean; reason?: string };
  submit_annual_report: { year: number; indicators: Indicators };
  start_evaluation: { round: string };
  submit_evaluation_report: { indicators: Indicators };
  rate: { rating: Rating; opinion?: string };
  submit_rectification_report: { summary: string };
  revoke: { reason: string };
}
export type ActionType = keyof ActionPayloads;
export type ActionBody = { [K in ActionType]: { type: K } & ActionPayloads[K] }[ActionType];
export type ActionCommand = CommandMeta & ActionBody;

export type SubmitCommand = CommandMeta & {
  type: 'submit';
  baseId: string;
  policyVersion: string;
  application: Application;
};

export type ObjectionCommand = CommandMeta & {
  type: 'file_objection';
  objectionId: string;
  name: string;
  contact: string;
  reason: string;
};

/** What the workflow itself decides when a window ends or an activity has answered. */
export type SystemCommand = CommandMeta &
  (
    | { type: 'schedule_publicity'; firstDay: IsoDate; lastDay: IsoDate; endsAt: IsoInstant }
    | { type: 'await_calendar'; year: number; firstDay?: IsoDate }
    | { type: 'close_publicity' }
    | { type: 'certify'; noticeYear: number; noticeSerial: number }
    | { type: 'end_rectification' }
  );

/** Every command a person can send a base after it exists. */
export type PersonCommand = ActionCommand | ObjectionCommand;
export type Command = SubmitCommand | PersonCommand | SystemCommand;
