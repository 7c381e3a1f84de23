import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Actor, BaseState, BaseView, isTerminal, toView } from '../domain';
import { EventLogConflict, persistDecision } from '../store/decisions';
import { dropOutstanding, dropRefused, recordOutstanding } from '../store/outstanding';
import { workflowIdOf } from '../workflows/ids';
import { DecisionAnswer, isDecisionAnswer, UpdateAnswer } from '../workflows/messages';
import { isDomainRefusal, isUnprocessedUpdate, isWorkflowClosed, postgresProblem } from './dependency-errors';
import { refuseReusedKey } from './idempotency';
import { ApiDeps } from './deps';
import { eventLogConflict, Problem, undecided } from './problem';
import { retryUntil } from './retry';
import { Steps } from './server-timing';

/**
 * Refusals that say the workflow did not and will not apply this update. An update that failed
 * otherwise (its run ended before answering it) may have been applied: its row stays for the sweep.
 */
const refused = (err: unknown) => isDomainRefusal(err) || isUnprocessedUpdate(err) || isWorkflowClosed(err);

/**
 * Sends one decision and writes what the workflow decided before the caller hears of it: the
 * update's answer arrives only once the workflow task that made the decision has completed, so
 * what is written is in the history, once (the table's key and ON CONFLICT make a second write a
 * no-op). The outstanding row, written first, covers an API that dies in between: the sweep
 * (`outstanding-sweep.ts`) reads the answer back from the history and writes it.
 */
export async function sendDecision(
  deps: ApiDeps,
  baseId: string,
  request: { updateId: string; fingerprint?: string; ifClosed?: () => Promise<BaseView> },
  actor: Actor,
  send: () => Promise<UpdateAnswer>,
  steps = new Steps(),
): Promise<BaseView> {
  const { updateId, fingerprint } = request;
  const recorded = await steps.time('outstanding', () => recordOutstanding(deps.pool, baseId, updateId, fingerprint));
  refuseReusedKey(recorded.fingerprint, fingerprint);
  if (request.ifClosed && recorded.stage && isTerminal(recorded.stage)) {
    await dropOutstanding(deps.pool, baseId, updateId);
    return request.ifClosed();
  }
  let answer: UpdateAnswer;
  try {
    answer = await steps.time('temporal', send);
  } catch (err) {
    if (isWorkflowClosed(err)) {
      // An earlier send of this very decision may be what closed the base, its write not landed.
      const earlier = await answerFromHistory(deps, baseId, updateId, actor);
      if (earlier) return earlier;
    }
    // A start refused because the base's run exists (closed, still kept) is no refusal of the key: the base it made holds it.
    const drop = err instanceof WorkflowExecutionAlreadyStartedError ? dropOutstanding(deps.pool, baseId, updateId) : refused(err) ? dropRefused(deps.pool, baseId, updateId, recorded.keyMark) : undefined;
    // Left behind, the row is the sweep's to finish: it asks the history and gives the key back then.
    await drop?.catch((dropErr) => deps.log('warn', 'refused decision left outstanding for the sweep', { baseId, updateId, error: String(dropErr) }));
    throw err;
  }
  if (!isDecisionAnswer(answer)) {
    // A run started before answers carried decisions has persisted this one itself.
    await dropOutstanding(deps.pool, baseId, updateId);
    return answer;
  }
  // A resend's answer may be read back from the run that made the decision: that run's state is the answer.
  return toView(await steps.time('write', () => writeBeforeAnswering(deps, baseId, updateId, answer)), actor);
}

/** The answer the workflow gave this update, if it took it: written (if it was not), and answered. */
export async function answerFromHistory(deps: ApiDeps, baseId: string, updateId: string, actor: Actor): Promise<BaseView | undefined> {
  const earlier = await deps.gateway.updateOutcome(baseId, updateId);
  if (earlier.kind !== 'answered' || !isDecisionAnswer(earlier.answer)) return undefined;
  return toView(await writeBeforeAnswering(deps, baseId, updateId, earlier.answer), actor);
}

/** `writeAnswer` for a caller waiting on it: a write that fails leaves the decision applied and owed. */
async function writeBeforeAnswering(deps: ApiDeps, baseId: string, updateId: string, answer: DecisionAnswer): Promise<BaseState> {
  try {
    return await writeAnswer(deps, baseId, updateId, answer);
  } catch (err) {
    // Applied in Temporal, not yet written, whatever failed: the row stays, and a resend or the
    // sweep writes it. Neither "nothing was changed" (a refused connection looks like Temporal's)
    // nor a bare 500 would be true.
    if (err instanceof Problem) throw err;
    if (err instanceof EventLogConflict) {
      deps.log('error', 'a decision applied in Temporal conflicts with the event log and is not written', { baseId, updateId, error: err.message });
      throw eventLogConflict(err.message);
    }
    if (!postgresProblem(err)) deps.log('error', 'a decision applied in Temporal could not be written; the sweep retries it', { baseId, updateId, error: String(err) });
    throw undecided('PostgreSQL');
  }
}

/**
 * Writes an answer, within the request's deadline. An empty answer is a resent action the workflow
 * knew (its update id is its command id): the first answer is read back from the history, to be
 * written if it never was and answered as the decision left the base (the workflow answers a
 * resend with the base as it is now). Returns the base as the decision left it.
 */
export async function writeAnswer(deps: ApiDeps, baseId: string, updateId: string, answer: DecisionAnswer): Promise<BaseState> {
  let records = answer.records;
  let { runId, state } = answer;
  if (!records.length) {
    const first = await deps.gateway.updateOutcome(baseId, updateId);
    if (first.kind === 'answered' && isDecisionAnswer(first.answer)) ({ records, runId, state } = first.answer);
  }
  if (!records.length) {
    await dropOutstanding(deps.pool, baseId, updateId);
    return state;
  }
  const batch = { workflowId: workflowIdOf(baseId), runId, records, state };
  const end = Date.now() + deps.config.REQUEST_TIMEOUT_MS;
  const pgDown = (err: unknown) => postgresProblem(err) !== undefined;
  try {
    await retryUntil(end, pgDown, 100, () => persistDecision(deps.pool, batch, { updateId }));
  } catch (err) {
    // Never writable: neither a resend nor the sweep could do more than fail again.
    if (err instanceof EventLogConflict) await dropOutstanding(deps.pool, baseId, updateId);
    throw err;
  }
  return state;
}
