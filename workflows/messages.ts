import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, BaseView, PersonCommand } from '../domain';

/** Every action of the contract, validated before it is admitted: a refusal leaves no history. */
export const actUpdate = defineUpdate<BaseView, [PersonCommand]>('act');

/** The same actions for operators (`temporal workflow signal --name act`); refusals are logged. */
export const actSignal = defineSignal<[OperatorCommand]>('act');

/** Answers once the submission is persisted, so the API can return the new base. */
export const readyUpdate = defineUpdate<BaseView, [Actor]>('ready');

/** An admin loaded a year's holiday schedule: a window waiting for it can now be computed. */
export const calendarLoadedSignal = defineSignal<[number]>('calendarLoaded');

export const viewQuery = defineQuery<BaseView | null, [Actor?]>('view');

/** An operator's command may leave out the clock and the id; the workflow fills them in. */
export type OperatorCommand = Omit<PersonCommand, 'at' | 'commandId'> & { at?: string; commandId?: string };
