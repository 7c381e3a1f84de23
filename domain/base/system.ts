import { policyOf } from '../policy';
import { IsoDate, IsoInstant, shanghaiDate } from '../time';
import { BaseState, standingObjections } from './state';

/** Work the system owes a base now, which needs the outside world (the calendar, a notice number). */
export type PendingWork =
  | { kind: 'schedule_publicity'; openedOn: IsoDate; workingDays: number; awaitingYear?: number }
  | { kind: 'certify' };

export function pendingWork(s: BaseState): PendingWork | undefined {
  const p = s.publicity;
  if (s.stage === 'publicity' && p && !p.endsAt) {
    return { kind: 'schedule_publicity', openedOn: shanghaiDate(p.openedAt), workingDays: policyOf(s.policyVersion).publicityWorkingDays, awaitingYear: p.awaitingCalendarYear };
  }
  const windowDone = (s.stage === 'publicity' && !!p?.closedAt) || s.stage === 'objection_review';
  if (windowDone && standingObjections(s).length === 0) return { kind: 'certify' };
  return undefined;
}

/** The window the system keeps the clock of: when it ends, and since when it runs (business time). */
export interface Deadline {
  kind: 'close_publicity' | 'end_rectification';
  dueAt: IsoInstant;
  since: IsoInstant;
}

export function nextDeadline(s: BaseState): Deadline | undefined {
  const p = s.publicity;
  if (s.stage === 'publicity' && p?.endsAt && !p.closedAt) return { kind: 'close_publicity', dueAt: p.endsAt, since: p.openedAt };
  if (s.stage === 'rectification' && s.rectification) {
    return { kind: 'end_rectification', dueAt: s.rectification.dueAt, since: s.rectification.startedAt };
  }
  return undefined;
}
