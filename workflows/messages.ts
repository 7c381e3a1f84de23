import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, BaseState, BaseView, EventRecord, PersonCommand } from '../domain';

/**
 * An update's answer since the patch 'answer-carries-decision': the base after it and the records
 * it made, which the API writes before it answers (none when the command was a retry of one
 * already made). Runs from before answered with the caller's view and persisted by themselves.
 */
export interface DecisionAnswer {
  runId: string;
  state: BaseState;
  records: EventRecord[];
}

export type UpdateAnswer = DecisionAnswer | BaseView;

export const isDecisionAnswer = (a: UpdateAnswer): a is DecisionAnswer => 'records' in a && 'runId' in a;

/**
 * The type of the failure with which a run that is closing (continuing as new, or ended) turns a new
 * decision away, applying nothing: sent again, it reaches the run that follows, or the closed base.
 */
export const RUN_CLOSING = 'RunClosing';

/** Every action of the contract, validated before it is admitted: a refusal leaves no history. */
export const actUpdate = defineUpdate<UpdateAnswer, [PersonCommand]>('act');

/** The same actions for operators (`temporal workflow signal --name act`); refusals are logged. */
export const actSignal = defineSignal<[OperatorCommand]>('act');

/** Answers once the submission is persisted, so the API can return the new base. */
export const readyUpdate = defineUpdate<UpdateAnswer, [Actor]>('ready');

/** An admin loaded a year's holiday schedule: a window waiting for it can now be computed. */
export const calendarLoadedSignal = defineSignal<[number]>('calendarLoaded');

export const viewQuery = defineQuery<BaseView | null, [Actor?]>('view');

/** An operator's command may leave out the clock and the id; the workflow fills them in. */
export type OperatorCommand = Omit<PersonCommand, 'at' | 'commandId'> & { at?: string; commandId?: string };
