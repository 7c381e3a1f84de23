import { condition, defineQuery, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

/** The floor: accept an update and answer, nothing decided, nothing persisted. */
export const bareAct = defineUpdate<number, [string]>('act');
export const bareStage = defineQuery<string>('stage');

/**
 * The same shape as a base's path: some updates, one timer (the publicity window), more
 * updates, and then it stays open like a certified base.
 */
export async function bareWorkflow(updatesBeforeTimer: number, timerMs: number): Promise<void> {
  let accepted = 0;
  let stage = 'open';
  setHandler(bareAct, () => ++accepted);
  setHandler(bareStage, () => stage);
  await condition(() => accepted >= updatesBeforeTimer);
  stage = 'waiting';
  await sleep(timerMs);
  stage = 'certified';
  await condition(() => false);
}
