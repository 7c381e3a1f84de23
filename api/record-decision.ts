import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Actor, BaseView, isTerminal, toView } from '../domain';
import { persistDecision } from '../store/decisions';
import { hasCommand } from '../store/events';
import { dropOutstanding, dropRefused, recordOutstanding } from '../store/outstanding';
import { workflowIdOf } from '../workflows/ids';
import { DecisionAnswer, isDecisionAnswer, UpdateAnswer } from '../workflows/messages';
import { isDomainRefusal, isUnprocessedUpdate, isWorkflowClosed, postgresProblem } from './dependency-errors';
import { refuseReusedKey } from './idempotency';
import { ApiDeps } from './deps';
import { undecided } from './problem';
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
  await steps.time('write', () => writeAnswer(deps, baseId, updateId, answer));
  return toView(answer.state, actor);
}

/** The answer the workflow gave this update, if it took it: written (if it was not), and answered. */
export async function answerFromHistory(deps: ApiDeps, baseId: string, updateId: string, actor: Actor): Promise<BaseView | undefined> {
  const earlier = await deps.gateway.updateOutcome(baseId, updateId);
  if (earlier.kind !== 'answered' || !isDecisionAnswer(earlier.answer)) return undefined;
  await writeAnswer(deps, baseId, updateId, earlier.answer);
  return toView(earlier.answer.state, actor);
}

/**
 * Writes an answer, within the request's deadline. An empty answer is a resent action the workflow
 * knew (its update id is its command id): if the first answer never reached the table, it is read
 * back from the history.
 */
export async function writeAnswer(deps: ApiDeps, baseId: string, updateId: string, answer: DecisionAnswer): Promise<void> {
  let records = answer.records;
  let { runId, state } = answer;
  if (!records.length && !(await hasCommand(deps.pool, baseId, updateId))) {
    const first = await deps.gateway.updateOutcome(baseId, updateId);
    if (first.kind === 'answered' && isDecisionAnswer(first.answer)) ({ records, runId, state } = first.answer);
  }
  if (!records.length) return dropOutstanding(deps.pool, baseId, updateId);
  const batch = { workflowId: workflowIdOf(baseId), runId, records, state };
  const end = Date.now() + deps.config.REQUEST_TIMEOUT_MS;
  const pgDown = (err: unknown) => postgresProblem(err) !== undefined;
  await retryUntil(end, pgDown, 100, () => persistDecision(deps.pool, batch, { updateId })).catch((err) => {
    // Applied in Temporal, not yet written: a resend or the sweep writes it once PostgreSQL is back.
    throw pgDown(err) ? undecided('PostgreSQL') : err;
  });
}
