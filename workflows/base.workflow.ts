import * as wf from '@temporalio/workflow';
import {
  admitRequest,
  applyEvents,
  BaseState,
  BaseView,
  Command,
  DomainError,
  DomainEvent,
  EventRecord,
  formatInstant,
  isTerminal,
  nextDeadline,
  pendingWork,
  PersonCommand,
  Rules,
  shanghaiDate,
  SubmitCommand,
  SYSTEM,
  SystemCommand,
  toView,
  windowFromSchedules,
  yearOf,
  YearSchedule,
} from '../domain';
import type { Activities } from '../activities';
import { actSignal, actUpdate, calendarLoadedSignal, DecisionAnswer, readyUpdate, RUN_CLOSING, viewQuery } from './messages';
import {
  closesLateWindowsWhenFixed,
  CODE_GENERATION,
  decisionRules,
  signalAdmission,
  signalForm,
  endsWhenClosedWhileSettling,
  takesCalendarFromApproval,
  takesNudgesDuringLookup,
  takesPatchesUnmarked,
  takesSearchAttributesAtStart,
  writesAnswersBeforeClosing,
} from './generation';
import { heldSearchKey, searchAttributesOf, searchKeyOf } from './search-attributes';

// A decision is never dropped: persistence retries until PostgreSQL answers again.
const retry = { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '15s' };
// Runs from before persist-after-commit persist from a local activity retried for ever, as recorded.
const local = wf.proxyLocalActivities<Activities>({ startToCloseTimeout: '15s', retry });
const regular = wf.proxyActivities<Activities>({ startToCloseTimeout: '15s', retry });
const { persistDecision, unwrittenSeqs } = regular;

/**
 * A lookup runs inside the workflow task (a local activity) for eight attempts (half a minute when
 * PostgreSQL refuses at once, two and a half when it does not answer), and goes on as a regular
 * activity after that. A local activity retried through a long outage keeps its task alive by
 * heartbeats, three history events every eight seconds: a base left so for two days would reach
 * Temporal's 51,200 events and be terminated. A regular activity's retries leave nothing in the
 * history. (A local activity's schedule-to-close timeout is no bound here: the SDK's core drops it
 * when it falls between attempts.) The previous code retried the local activity for ever, so no
 * history of it holds such a failure to replay differently.
 */
const lookUp = wf.proxyLocalActivities<Activities>({ startToCloseTimeout: '15s', retry: { ...retry, maximumAttempts: 8 } });
const orRegular =
  <R>(activity: keyof Activities, then: () => Promise<R>) =>
  (err: unknown): Promise<R> => {
    // A local activity's last failure comes back as the activity's own (an ApplicationFailure), not wrapped in an ActivityFailure.
    if (!(err instanceof wf.TemporalFailure) || wf.isCancellation(err)) throw err;
    wf.log.warn('a lookup did not answer within its local activity; it goes on as a regular activity', { activity, error: String(err.cause ?? err) });
    return then();
  };
const publicityWindow = (input: Parameters<Activities['publicityWindow']>[0]) =>
  lookUp.publicityWindow(input).catch(orRegular('publicityWindow', () => regular.publicityWindow(input)));
const allocateNotice = (input: Parameters<Activities['allocateNotice']>[0]) =>
  lookUp.allocateNotice(input).catch(orRegular('allocateNotice', () => regular.allocateNotice(input)));

/**
 * Runs started before this patch persisted from a local activity, which runs inside the workflow
 * task that made the decision: a task that never completed (worker killed, Temporal restarted)
 * left rows for a decision the workflow then never made. An activity is scheduled by a completed
 * task, so only decisions in the history reach the table and the read model.
 */
const PERSIST_AFTER_COMMIT = 'persist-after-commit';

/**
 * Since this patch a decision sent by update comes back in the update's answer and the API writes
 * it before answering its caller: Temporal returns an update's result only once the task that made
 * the decision has completed, so only decisions in the history are written, and a decision costs one
 * workflow task instead of two and an activity task. Decisions nobody waits for (timers, signals)
 * are still persisted by the activity.
 */
const ANSWER_CARRIES_DECISION = 'answer-carries-decision';

/** The records one update, wake-up or signal made (its decision and what the system did at once because of it). */
interface Sink {
  records: EventRecord[];
  state?: BaseState;
}

/** When the workflow wakes for a window, in real (possibly TIME_SCALEd) time. */
interface Wake {
  kind: 'close_publicity' | 'end_rectification';
  dueAt: string;
  atMs: number;
  /**
   * The instant the close is dated, where not `dueAt`: a window fixed only after its own end (its
   * year's schedule loaded late) closes when it was fixed, never before it was known.
   */
  stampAt?: string;
}

export interface BaseWorkflowInput {
  baseId: string;
  /** TIME_SCALE when the base was opened: its windows run this many times faster. */
  timeScale: number;
  submission?: SubmitCommand;
  carried?: { state: BaseState; wake?: Wake; recentCommandIds: string[] };
  /** Continue as new after this many history events (operators and tests); Temporal's own hint always applies. */
  continueAsNewAfterEvents?: number;
  /** CODE_GENERATION of the code that started the run (./generation); absent in runs started before generation 4. */
  generation?: number;
}

const RECENT_IDS = 500;
const CALENDAR_RECHECK_MS = 3600_000;


/**
 * Keeps the wake of an unchanged window; plans a new one, compressed by TIME_SCALE, for a new
 * window, dated no earlier than now when `notBeforeNow` (generation 10).
 */
function planWake(s: BaseState, wake: Wake | undefined, timeScale: number, notBeforeNow: boolean): Wake | undefined {
  const deadline = nextDeadline(s);
  if (!deadline) return undefined;
  if (wake && wake.kind === deadline.kind && wake.dueAt === deadline.dueAt) return wake;
  const span = Date.parse(deadline.dueAt) - Date.parse(deadline.since);
  const atMs = timeScale === 1 ? Date.parse(deadline.dueAt) : Date.now() + span / timeScale;
  const late = notBeforeNow && Date.parse(deadline.dueAt) < Date.now();
  return { kind: deadline.kind, dueAt: deadline.dueAt, atMs, ...(late ? { stampAt: formatInstant(Date.now()) } : {}) };
}

function failure(err: unknown): unknown {
  if (!(err instanceof DomainError)) return err;
  return wf.ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true, details: [err.details] });
}

/** Domain errors become non-retryable failures: a plain throw would retry the task forever. */
function decideOrFail(state: BaseState | undefined, cmd: Command, rules: Rules): DomainEvent[] {
  try {
    return rules(state, cmd);
  } catch (err) {
    throw failure(err);
  }
}

export async function baseWorkflow(input: BaseWorkflowInput): Promise<BaseView> {
  // Started by newer code (an API deployed before its workers): failing the task leaves the run for
  // a worker that knows its generation, instead of running it by older rules it would not replay by.
  if ((input.generation ?? 0) > CODE_GENERATION) throw new Error(`a run of generation ${input.generation}; this worker runs generation ${CODE_GENERATION}`);
  const info = wf.workflowInfo();
  const sinceGen4 = takesPatchesUnmarked(input.generation);
  const calendarFromApproval = takesCalendarFromApproval(input.generation);
  const admitSignal = signalAdmission(input.generation);
  const signalAsDecided = signalForm(input.generation);
  const decideAsRecorded = decisionRules(input.generation);
  const nudgesDuringLookup = takesNudgesDuringLookup(input.generation);
  const writesAnswersAtClose = writesAnswersBeforeClosing(input.generation);
  const datesLateClosesWhenFixed = closesLateWindowsWhenFixed(input.generation);
  const endsOnceClosed = endsWhenClosedWhileSettling(input.generation);
  const patched = (id: string) => sinceGen4 || wf.patched(id);
  const persist = (batch: Parameters<Activities['persistDecision']>[0]) =>
    patched(PERSIST_AFTER_COMMIT) ? persistDecision(batch) : local.persistDecision(batch);
  const newSink = (): Sink | undefined => (patched(ANSWER_CARRIES_DECISION) ? { records: [] } : undefined);
  let state = input.carried?.state;
  const recent = [...(input.carried?.recentCommandIds ?? [])];
  let wake = input.carried?.wake;
  let persisted: Promise<unknown> = Promise.resolve();
  let settling: Promise<void> | undefined;
  let calendarNudges = 0;
  /** What this run's updates answered, for the API to write: held against the event log before the run closes. */
  const answered: { records: EventRecord[]; state: BaseState }[] = [];
  /** Set once a run of generation 9 or later has begun to close: it takes no new decision by update. */
  let closing = false;
  // A nudge that arrived while the previous run was continuing as new is not carried: recheck once.
  let retryCalendar = input.carried !== undefined;
  // A run of generation 6 was started holding its search attributes (the API's start, continue-as-new's copy): upsert only what differs.
  let searchKey = takesSearchAttributesAtStart(input.generation) ? heldSearchKey(info.typedSearchAttributes) : '';

  const current = () => state as BaseState;

  function syncSearchAttributes(s: BaseState) {
    const pairs = searchAttributesOf(s);
    const key = searchKeyOf(pairs);
    if (key === searchKey) return;
    searchKey = key;
    wf.upsertSearchAttributes(pairs);
  }

  /**
   * Decide and fold the events in; then hand them to the update's answer (`sink`) or queue their
   * persistence behind every earlier batch.
   */
  function run(cmd: Command, sink?: Sink): void {
    const { state: next, records } = applyEvents(state, decideOrFail(state, cmd, decideAsRecorded));
    if (!records.length || !next) return;
    state = next;
    if (sink) {
      sink.records.push(...records);
      sink.state = next;
    } else {
      queuePersist(records, next);
    }
    if (!sinceGen4) syncSearchAttributes(next);
  }

  /** Persistence of a batch queued behind every earlier one, so the read model never goes back. */
  function queuePersist(records: EventRecord[], s: BaseState): void {
    const batch = batchOf(records, s);
    persisted = persisted.then(() => persist(batch));
  }

  const batchOf = (records: EventRecord[], s: BaseState) => ({ workflowId: info.workflowId, runId: info.runId, records, state: s });

  /**
   * Runs what nobody waits on (a wake-up, a signal); a run of generation 4 or later persists all it
   * decided as one batch, and from the moment it starts, whoever waits for `persisted` (an update about to answer)
   * waits for that batch too, as for every earlier one. An older run gets `work`'s own promise, so
   * its replay keeps its recorded order.
   */
  function unattended(work: (sink?: Sink) => Promise<void>): Promise<void> {
    if (!sinceGen4) return work();
    const sink: Sink = { records: [] };
    const done = work(sink);
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    persisted = persisted
      .then(() => settled)
      .then(() => (sink.state ? persist(batchOf(sink.records, sink.state)) : undefined));
    return done;
  }

  /**
   * Until no handler runs and every queued write has landed, both at once: an update or a signal
   * that arrives while an earlier write finishes queues a decision of its own, and the run must not
   * end or continue as new before that decision is answered and written too.
   */
  async function quiesce(): Promise<void> {
    for (;;) {
      await wf.condition(wf.allHandlersFinished);
      const queued = persisted;
      await queued;
      if (wf.allHandlersFinished() && persisted === queued) return;
    }
  }

  /**
   * `quiesce`, and then (runs of generation 9 on) every decision this run's updates answered is in
   * the event log, written here if its API never wrote it: once the run has closed, its history,
   * the only other record of such a decision, lasts only the namespace's retention, and an API that
   * answered 503 and then stayed down (or its PostgreSQL) longer would leave the decision nowhere.
   */
  async function quiesceWritten(): Promise<void> {
    // Each pass waits on an activity: a run that went on taking decisions meanwhile might never close.
    closing = writesAnswersAtClose;
    let checked = 0;
    for (;;) {
      await quiesce();
      if (!writesAnswersAtClose || checked === answered.length) return;
      const due = answered.slice(checked);
      checked = answered.length;
      const missing = new Set(await unwrittenSeqs({ baseId: current().id, seqs: due.flatMap((a) => a.records.map((r) => r.seq)) }));
      // Each as its answer had it: its letters addressed by the base as it then was, and no batch
      // larger than an answer Temporal has already carried.
      for (const a of due) {
        const unwritten = a.records.filter((r) => missing.has(r.seq));
        if (unwritten.length) queuePersist(unwritten, a.state);
      }
    }
  }

  /** A run of generation 4 or later sets its search attributes once a step, after all the step decided. */
  const searchable = () => {
    if (sinceGen4) syncSearchAttributes(current());
  };

  const answer = (sink: Sink): DecisionAnswer => ({ runId: info.runId, state: sink.state ?? current(), records: sink.records });
  /** `answer`, for an update whose decision only the API writes. */
  const answerToWrite = (sink: Sink): DecisionAnswer => {
    const given = answer(sink);
    if (given.records.length) answered.push({ records: given.records, state: given.state });
    return given;
  };

  function remember(commandId: string) {
    recent.push(commandId);
    if (recent.length > RECENT_IDS) recent.splice(0, recent.length - RECENT_IDS);
  }

  const system = (at: string, body: Record<string, unknown> & { type: SystemCommand['type'] }) =>
    ({ ...body, at, actor: SYSTEM, commandId: `system-${wf.uuid4()}` }) as SystemCommand;

  /** Runs a system command unless the base has moved on meanwhile (then there is nothing to do). */
  function runSystem(cmd: SystemCommand, sink?: Sink): boolean {
    try {
      run(cmd, sink);
      return true;
    } catch (err) {
      if (err instanceof wf.ApplicationFailure) return false;
      throw err;
    }
  }

  /** Does what the base is owed by the system now: fix the publicity window (from `calendar` when it covers it), certify. */
  async function workOff(at: string, sink?: Sink, calendar?: YearSchedule[]): Promise<void> {
    for (let work = pendingWork(current()); work; work = pendingWork(current())) {
      if (work.kind === 'certify') {
        const { year, serial } = await allocateNotice({ baseId: current().id, year: yearOf(shanghaiDate(at)) });
        if (!runSystem(system(at, { type: 'certify', noticeYear: year, noticeSerial: serial }), sink)) return;
        continue;
      }
      if (work.awaitingYear !== undefined && !retryCalendar) return;
      retryCalendar = false;
      const atHand = calendar && windowFromSchedules(work.openedOn, work.workingDays, calendar);
      const window = atHand?.kind === 'scheduled' ? atHand : await publicityWindow({ openedOn: work.openedOn, workingDays: work.workingDays });
      if (window.kind === 'missing_year') {
        runSystem(system(at, { type: 'await_calendar', year: window.year, ...(window.firstDay ? { firstDay: window.firstDay } : {}) }), sink);
        return;
      }
      const { firstDay, lastDay, endsAt } = window;
      if (!runSystem(system(at, { type: 'schedule_publicity', firstDay, lastDay, endsAt }), sink)) return;
    }
  }

  /** One settling at a time; a caller arriving during one waits for it and then looks again. */
  async function settle(at: string, sink?: Sink, calendar?: YearSchedule[]): Promise<void> {
    while (settling) await settling;
    if (!state || !pendingWork(state)) return;
    settling = workOff(at, sink, calendar).finally(() => {
      settling = undefined;
    });
    await settling;
  }

  async function accept(cmd: PersonCommand, sink?: Sink, calendar?: YearSchedule[]): Promise<void> {
    run(cmd, sink);
    remember(cmd.commandId);
    await settle(cmd.at, sink, calendar);
  }

  /** The schedules an approval sent through the API carries (an operator's signal is looked up as before). */
  const calendarOf = (cmd: PersonCommand) => (calendarFromApproval && cmd.type === 'approve_candidate' ? cmd.calendar : undefined);

  wf.setHandler(
    actUpdate,
    async (cmd) => {
      const sink = newSink();
      if (!recent.includes(cmd.commandId)) await accept(cmd, sink, calendarOf(cmd));
      await persisted;
      return sink ? answerToWrite(sink) : toView(current(), cmd.actor);
    },
    {
      validator: (cmd) => {
        // A retry of an accepted command (same id) answers again instead of applying twice.
        if (recent.includes(cmd.commandId)) return;
        // The rules first: a refusal is final whatever the run is doing (validators do not run on replay).
        decideOrFail(state, cmd, admitRequest);
        if (closing) throw wf.ApplicationFailure.nonRetryable('the base is continuing as new or closing; send the decision again', RUN_CLOSING);
      },
    },
  );

  wf.setHandler(actSignal, async (raw) => {
    // Sent without its input (`temporal workflow signal --name act`, no --input, or null): there is
    // nothing to decide, and reading it would fail this task and every one after it. Any other input
    // goes on as it always did (its default command id draws on the run's random sequence).
    if (raw === null || raw === undefined) {
      wf.log.warn('signalled command refused', { error: 'the signal carries no command' });
      return;
    }
    const cmd = signalAsDecided({ ...raw, at: raw.at ?? formatInstant(Date.now()), commandId: raw.commandId ?? `signal-${wf.uuid4()}`, via: 'signal' } as PersonCommand) as PersonCommand;
    if (recent.includes(cmd.commandId)) return;
    try {
      admitSignal(state, cmd);
    } catch (err) {
      // What a request's 409 or 422 would carry (the fields at fault, or the stage and what it offers):
      // the operator sees what to send instead.
      const details = err instanceof DomainError ? err.details : undefined;
      wf.log.warn('signalled command refused', { type: cmd.type, actor: cmd.actor, error: String(err), ...(details ? { details } : {}) });
      return;
    }
    await unattended((sink) => accept(cmd, sink));
  });

  // The submission's records, answered to every ready update of this run (a resent submission too).
  let opening: Sink | undefined;

  wf.setHandler(readyUpdate, async (viewer) => {
    await wf.condition(() => state !== undefined);
    await persisted;
    return opening ? answer(opening) : toView(current(), viewer);
  });

  wf.setHandler(calendarLoadedSignal, () => {
    retryCalendar = true;
    calendarNudges += 1;
  });

  wf.setHandler(viewQuery, (viewer) => (state ? toView(state, viewer) : null));

  if (!state) {
    if (!input.submission) throw wf.ApplicationFailure.nonRetryable('a base starts with its submission', 'INVALID');
    opening = newSink();
    run(input.submission, opening);
    remember(input.submission.commandId);
    if (opening?.state) answered.push({ records: opening.records, state: opening.state });
  } else {
    syncSearchAttributes(state);
  }

  const continueAsNewDue = () =>
    wf.workflowInfo().continueAsNewSuggested ||
    (!!input.continueAsNewAfterEvents && wf.workflowInfo().historyLength >= input.continueAsNewAfterEvents);

  /** One Temporal timer per window, not per decision: it is cancelled only when the window changes. */
  let timer: { wake: Wake; fired: Promise<boolean>; cancel: () => void } | undefined;
  function armTimer(w: Wake) {
    const scope = new wf.CancellationScope();
    const fired = scope.run(() => wf.sleep(Math.max(1, w.atMs - Date.now()), { summary: `${w.kind} at ${w.dueAt}` })).then(
      () => true,
      () => false,
    );
    return { wake: w, fired, cancel: () => scope.cancel() };
  }

  while (!isTerminal(current().stage)) {
    // A nudge during this settling's lookup (which may have read the calendar before the year was loaded) must wake the wait below.
    const nudgesBefore = calendarNudges;
    await unattended((sink) => settle(formatInstant(Date.now()), sink));
    // A decision taken while this settling waited on its lookup may have closed the base: nothing
    // would change again to wake the waits below, and the run would never end.
    if (endsOnceClosed && isTerminal(current().stage)) continue;
    searchable();
    wake = planWake(current(), wake, input.timeScale, datesLateClosesWhenFixed);
    if (timer && timer.wake !== wake) {
      timer.cancel();
      timer = undefined;
    }
    if (wake && !timer) timer = armTimer(wake);
    const version = current().version;
    const nudges = nudgesDuringLookup ? nudgesBefore : calendarNudges;
    const changed = () => current().version !== version || calendarNudges !== nudges || continueAsNewDue();
    const awaitingCalendar = current().stage === 'publicity' && current().publicity?.awaitingCalendarYear !== undefined;
    if (timer) {
      const armed = timer;
      const fired = await Promise.race([armed.fired, wf.condition(changed).then(() => false)]);
      if (fired && timer === armed) {
        timer = undefined;
        wake = undefined;
        await unattended((sink) => {
          const at = armed.wake.stampAt ?? armed.wake.dueAt;
          runSystem(system(at, { type: armed.wake.kind }), sink);
          return settle(at, sink);
        });
      }
    } else if (awaitingCalendar) {
      // The signal from PUT /api/calendar is the fast path; this recheck covers a lost one.
      if (!(await wf.condition(changed, CALENDAR_RECHECK_MS, { summary: 'recheck the holiday schedule' }))) retryCalendar = true;
    } else {
      await wf.condition(changed);
    }
    if (continueAsNewDue() && !isTerminal(current().stage)) {
      searchable();
      await quiesceWritten();
      searchable(); // for what the handlers still running decided meanwhile
      await wf.continueAsNew<typeof baseWorkflow>({
        baseId: input.baseId,
        timeScale: input.timeScale,
        continueAsNewAfterEvents: input.continueAsNewAfterEvents,
        generation: CODE_GENERATION,
        carried: { state: current(), wake, recentCommandIds: recent },
      });
    }
  }
  searchable();
  await quiesceWritten();
  return toView(current());
}
