import { Client, WithStartWorkflowOperation } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { DEFAULT_POLICY_VERSION, policyOf, shanghaiDate } from '../../domain';
import { windowFromCalendar } from '../../store/calendar';
import type { Path } from './phase';
import { bareAct, bareStage, bareWorkflow } from './bare.workflow';
import { Latencies, timed } from './stats';

/**
 * How long ours' publicity window runs for an approval now: five working days from today, which is
 * four and a half calendar days on a Monday and six and a half on a Thursday (more over a holiday),
 * under the bench's time scale. Bare's timer lasts as long, so neither side's bases spend longer
 * waiting than the other's.
 */
export async function bareTimerMs(pool: Pool, timeScale: number, now = Date.now()): Promise<number> {
  const w = await windowFromCalendar(pool, shanghaiDate(now), policyOf(DEFAULT_POLICY_VERSION).publicityWorkingDays);
  if (w.kind !== 'scheduled') throw new Error(`the bench's database has no holiday schedule for ${w.year}`);
  return (Date.parse(w.endsAt) - now) / timeScale;
}

const POLL_MS = 200; // as test/support/http waitStage polls a base

/**
 * The bare path, driven with @temporalio/client: one update-with-start (as a submission), five
 * updates, the timer, three updates: as many decisions as a base's path, and one window.
 */
export function barePath(client: Client, taskQueue: string, timerMs: number): Path {
  const run = randomBytes(3).toString('hex');
  return async (i, decisions: Latencies) => {
    const workflowId = `bare-${run}-${i}`;
    const start = new WithStartWorkflowOperation(bareWorkflow, {
      workflowId,
      taskQueue,
      args: [6, timerMs],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    await timed(decisions, () => client.workflow.executeUpdateWithStart(bareAct, { args: ['submit'], startWorkflowOperation: start }), 'start');
    const handle = await start.workflowHandle();
    for (let k = 0; k < 5; k++) await timed(decisions, () => handle.executeUpdate(bareAct, { args: [`step-${k}`] }), 'update');
    while ((await handle.query(bareStage)) !== 'certified') await new Promise((r) => setTimeout(r, POLL_MS));
    for (let k = 0; k < 3; k++) await timed(decisions, () => handle.executeUpdate(bareAct, { args: [`evaluation-${k}`] }), 'update');
    return workflowId;
  };
}
