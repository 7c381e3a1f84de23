import { EventLogConflict } from '../store/decisions';
import { abandonOutstanding, claimStale, dropOutstanding, Outstanding } from '../store/outstanding';
import { isDecisionAnswer } from '../workflows/messages';
import { ApiDeps } from './deps';
import { writeAnswer } from './record-decision';

export interface SweepResult {
  written: number;
  dropped: number;
  waiting: number;
  failed: number;
}

/**
 * Finishes decisions the API sent and never wrote (it died, or PostgreSQL went away, between the
 * answer and the write): the history holds the answer, which is written as the API would have.
 */
export async function sweepOutstanding(deps: ApiDeps): Promise<SweepResult> {
  const result: SweepResult = { written: 0, dropped: 0, waiting: 0, failed: 0 };
  const every = deps.config.OUTSTANDING_SWEEP_MS;
  for (const o of await claimStale(deps.pool, 2 * deps.config.REQUEST_TIMEOUT_MS, every)) {
    // One row that fails every round must not hold back the rows claimed after it.
    try {
      result[await finish(deps, o)] += 1;
    } catch (err) {
      if (err instanceof EventLogConflict) {
        // writeAnswer dropped its row: nothing will ever write it.
        result.dropped += 1;
        deps.log('error', 'outstanding decision conflicts with the event log and is not written', { baseId: o.baseId, updateId: o.updateId, error: err.message });
        continue;
      }
      result.failed += 1;
      deps.log('warn', 'outstanding decision not finished; the next round retries it', { baseId: o.baseId, updateId: o.updateId, error: String(err) });
    }
  }
  return result;
}

async function finish(deps: ApiDeps, o: Outstanding): Promise<'written' | 'dropped' | 'waiting'> {
  const outcome = await deps.gateway.updateOutcome(o.baseId, o.updateId);
  if (outcome.kind === 'answered' && isDecisionAnswer(outcome.answer)) {
    await writeAnswer(deps, o.baseId, o.updateId, outcome.answer);
    deps.log('warn', 'outstanding decision written from the history', { baseId: o.baseId, updateId: o.updateId, sentAt: o.sentAt.toISOString() });
    return 'written';
  }
  if (outcome.kind === 'answered') {
    // A run started before answers carried decisions wrote this one itself.
    await dropOutstanding(deps.pool, o.baseId, o.updateId);
    return 'dropped';
  }
  if (outcome.kind === 'refused' || (!outcome.taskPending && o.ageMs > deps.config.OUTSTANDING_GIVE_UP_MS)) {
    // Nothing was taken: the key goes back too, or a resend refused later would hold it for good.
    if (!(await abandonOutstanding(deps.pool, o))) return 'waiting';
    deps.log('warn', 'outstanding decision given up: the workflow never took it; its key may be sent again', { baseId: o.baseId, updateId: o.updateId, sentAt: o.sentAt.toISOString(), outcome: outcome.kind });
    return 'dropped';
  }
  return 'waiting';
}

export function startOutstandingSweep(deps: ApiDeps): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOutstanding(deps)
      .catch((err) => deps.log('warn', 'outstanding sweep failed; next round retries', { error: String(err) }))
      .finally(() => {
        running = false;
      });
  }, deps.config.OUTSTANDING_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
