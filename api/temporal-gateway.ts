import { Client, WithStartWorkflowOperation, WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { BaseState, BaseView, PersonCommand, SubmitCommand } from '../domain';
import type { baseWorkflow, BaseWorkflowInput } from '../workflows/base.workflow';
import { CODE_GENERATION } from '../workflows/generation';
import { readyUpdateId, workflowIdOf } from '../workflows/ids';
import { startingSearchAttributes } from '../workflows/search-attributes';
import { actUpdate, calendarLoadedSignal, isDecisionAnswer, readyUpdate, UpdateAnswer } from '../workflows/messages';
import { isNotFound, isTaskRecovering, isTransientRefusal } from './dependency-errors';
import { retryUntil } from './retry';
import type { Logger } from '../runtime/log';

export interface GatewayOptions {
  taskQueue: string;
  namespace: string;
  timeScale: number;
  continueAsNewAfterEvents?: number;
  /** How long a caller waits for a decision before hearing 503 (the decision itself is not lost). */
  timeoutMs: number;
  log?: Logger;
}

export interface RunHistory {
  runId: string;
  events: temporal.api.history.v1.IHistoryEvent[];
}

/** What the history says of one update: its answer, its refusal, or nothing (yet). */
export type UpdateOutcome = { kind: 'answered'; answer: UpdateAnswer } | { kind: 'refused' } | { kind: 'absent'; taskPending: boolean };

/** Every call the API makes to Temporal, each with a deadline so nothing hangs. */
export class TemporalGateway {
  constructor(
    private readonly client: Client,
    private readonly o: GatewayOptions,
  ) {}

  private deadline<T>(fn: () => Promise<T>, ms = this.o.timeoutMs): Promise<T> {
    return this.client.connection.withDeadline(Date.now() + ms, fn);
  }

  /**
   * Sends an update again, within the deadline, when Temporal turned it away without applying it
   * (a workflow busy with many decisions at once, or recovering from a failed task): its id keeps
   * it once.
   */
  private update<T>(workflowId: string, send: () => Promise<T>): Promise<T> {
    const end = Date.now() + this.o.timeoutMs;
    // A failed task means a worker died in it or the workflow code threw: operators want to see that; a busy workflow is routine.
    const resending = (err: unknown, pauseMs: number) =>
      isTaskRecovering(err)
        ? this.o.log?.('warn', 'the workflow task failed; the update is sent again', { workflowId, pauseMs })
        : this.o.log?.('info', 'the workflow was busy; the update is sent again', { workflowId, pauseMs });
    return this.client.connection.withDeadline(end, () => retryUntil(end, isTransientRefusal, 50, send, resending));
  }

  /**
   * Starts the base's workflow with its submission and answers with what it recorded; a retry finds
   * the same base. It starts holding the search attributes of `opened`, the state the submission
   * opens, so its first task has none to upsert.
   */
  submit(cmd: SubmitCommand, opened: BaseState): Promise<UpdateAnswer> {
    const input: BaseWorkflowInput = {
      baseId: cmd.baseId,
      timeScale: this.o.timeScale,
      submission: cmd,
      continueAsNewAfterEvents: this.o.continueAsNewAfterEvents,
      generation: CODE_GENERATION,
    };
    // An operation serves one call only; a resend gets its own.
    const start = () =>
      new WithStartWorkflowOperation<typeof baseWorkflow>('baseWorkflow', {
        workflowId: workflowIdOf(cmd.baseId),
        taskQueue: this.o.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: startingSearchAttributes(opened),
      });
    return this.update(workflowIdOf(cmd.baseId), () =>
      this.client.workflow.executeUpdateWithStart(readyUpdate, { args: [cmd.actor], updateId: readyUpdateId(cmd.commandId), startWorkflowOperation: start() }),
    );
  }

  /** One decision; the update id makes a retried request apply once and answer the same. */
  act(baseId: string, cmd: PersonCommand): Promise<UpdateAnswer> {
    const handle = this.client.workflow.getHandle(workflowIdOf(baseId));
    return this.update(handle.workflowId, () => handle.executeUpdate(actUpdate, { args: [cmd], updateId: cmd.commandId }));
  }

  /**
   * Reads an update's outcome back from the base's histories (every run Temporal holds): for a
   * decision whose caller, or whose API, never saw the answer. `taskPending` says the workflow has
   * a task not yet done, so an update sent to it may still be taken up, or has accepted this one
   * and not yet answered it (its handler waits for an earlier write the worker cannot make yet).
   */
  async updateOutcome(baseId: string, updateId: string): Promise<UpdateOutcome> {
    const latest = await this.describeLatest(baseId);
    if (!latest) return { kind: 'absent', taskPending: false };
    const running = latest.status.name === 'RUNNING';
    let newest: UpdateOutcome | undefined;
    let newestRun: string | undefined;
    let accepted = false;
    for (const run of await this.runsFrom(baseId, latest.runId)) {
      for (const e of run.events) {
        if (running && run.runId === latest.runId && e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId) accepted = true;
        const done = e.workflowExecutionUpdateCompletedEventAttributes;
        if (done?.meta?.updateId !== updateId) continue;
        const payload = done.outcome?.success?.payloads?.[0];
        const outcome: UpdateOutcome = payload ? { kind: 'answered', answer: defaultPayloadConverter.fromPayload(payload as never) as UpdateAnswer } : { kind: 'refused' };
        // A resend taken by a later run (after continue-as-new) is answered without the records:
        // the run that made the decision holds them, further back.
        if (outcome.kind === 'answered' && isDecisionAnswer(outcome.answer) && outcome.answer.records.length) return outcome;
        if (newest) continue;
        newest = outcome;
        newestRun = run.runId;
      }
    }
    const taskPending = accepted || (running && !!latest.raw.pendingWorkflowTask);
    // A refusal by an older run says nothing of a resend the running one has taken up, or may yet.
    if (newest?.kind === 'refused' && newestRun !== latest.runId && taskPending) return { kind: 'absent', taskPending };
    return newest ?? { kind: 'absent', taskPending };
  }

  /** A closed base as its workflow ended it (following continue-as-new to the last run). */
  closedView(baseId: string): Promise<BaseView> {
    return this.deadline(() => this.client.workflow.getHandle<typeof baseWorkflow>(workflowIdOf(baseId)).result(), 5000);
  }

  async nudgeCalendar(baseIds: string[], year: number): Promise<void> {
    await Promise.allSettled(baseIds.map((id) => this.deadline(() => this.client.workflow.getHandle(workflowIdOf(id)).signal(calendarLoadedSignal, year), 3000)));
  }

  /**
   * Every run Temporal still holds, newest first, following continue-as-new back to the first.
   * Runs past the namespace's retention are simply absent (the event log speaks for them).
   */
  async histories(baseId: string): Promise<RunHistory[]> {
    const latest = await this.describeLatest(baseId);
    return latest ? this.runsFrom(baseId, latest.runId) : [];
  }

  /** The base's latest run, or nothing if Temporal holds no run of it. */
  private async describeLatest(baseId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await this.deadline(() => this.client.workflow.getHandle(workflowIdOf(baseId)).describe(), 5000);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** That run's history and every one before it that Temporal still holds, newest first. */
  private async runsFrom(baseId: string, newest: string): Promise<RunHistory[]> {
    const workflowId = workflowIdOf(baseId);
    const runs: RunHistory[] = [];
    let runId: string | undefined = newest;
    while (runId) {
      let history;
      try {
        history = await this.deadline(() => this.client.workflow.getHandle(workflowId, runId).fetchHistory(), 30_000);
      } catch (err) {
        if (isNotFound(err)) break;
        throw err;
      }
      runs.push({ runId, events: history.events ?? [] });
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    }
    return runs;
  }

  /** Reachable, and serving this namespace: a mistyped or not yet created one is not ready either. */
  async ping(): Promise<void> {
    await this.deadline(() => this.client.workflowService.describeNamespace({ namespace: this.o.namespace }), 2000);
  }
}
