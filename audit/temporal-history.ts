import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { AuditFact, auditFactOf, formatInstant, sortedKeys } from '../domain';
import { notificationsOf } from '../store/decisions';
import { DecisionAnswer } from '../workflows/messages';
import { TrailNotification } from './trail';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** How a command reached the workflow, and the Temporal client that sent it (its identity: the SDK's `pid@host`, the CLI's own). */
export interface Sending {
  via: 'update' | 'signal';
  identity: string;
}

/** An operator's signal to act, as sent: matched to the decision it led to, if any (refused ones lead to none). */
export interface SignalSent {
  type?: string;
  sub?: string;
  commandId?: string;
  identity: string;
}

export interface RunFacts {
  runId: string;
  startedAt?: string;
  closedAt?: string;
  closedAs?: string;
  facts: AuditFact[];
  notifications: TrailNotification[];
  /** The identity of each accepted update's sender, by update id (one entry an accepted update). */
  updates: Map<string, string>;
  signals: SignalSent[];
}

const CLOSING: Record<number, string> = {
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]: 'completed',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW]: 'continued_as_new',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED]: 'failed',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED]: 'terminated',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT]: 'timed_out',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED]: 'canceled',
};

const time = (e: HistoryEvent) => {
  const t = e.eventTime;
  // In Beijing time, as every other instant the API gives.
  return t ? formatInstant(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)) : undefined;
};

type Recorded = { facts: AuditFact[]; notifications: TrailNotification[] };

/** What one payload says was recorded: a persistence activity's result, or an update's answer. */
function recordedIn(value: unknown): Recorded | undefined {
  const v = value as { facts?: unknown; notifications?: unknown } & Partial<DecisionAnswer>;
  if (!v) return undefined;
  // Facts a persistence activity reported, by code that kept the particulars' keys as written.
  if (Array.isArray(v.facts) && Array.isArray(v.notifications)) {
    const r = v as Recorded;
    return { ...r, facts: r.facts.map((f) => ({ ...f, detail: sortedKeys(f.detail) as Record<string, unknown> })) };
  }
  if (Array.isArray(v.records) && v.state && v.runId) {
    return { facts: v.records.map(auditFactOf), notifications: notificationsOf({ records: v.records, state: v.state }) };
  }
  return undefined;
}

/**
 * The decisions recorded in one event: persistence results in local-activity markers (the oldest
 * runs) or completed activities, and since 'answer-carries-decision' the updates' answers.
 */
function persistedResults(e: HistoryEvent): Recorded[] {
  const details = e.markerRecordedEventAttributes?.details ?? {};
  const completed = e.activityTaskCompletedEventAttributes?.result;
  const answered = e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success;
  const found = [];
  for (const payloads of [...Object.values(details), ...(completed ? [completed] : []), ...(answered ? [answered] : [])]) {
    for (const p of payloads.payloads ?? []) {
      let value: unknown;
      try {
        value = defaultPayloadConverter.fromPayload(p as never);
      } catch {
        continue;
      }
      const r = recordedIn(value);
      if (r) found.push(r);
    }
  }
  return found;
}

function signalSent(e: HistoryEvent): SignalSent | undefined {
  const a = e.workflowExecutionSignaledEventAttributes;
  if (a?.signalName !== 'act') return undefined;
  let cmd: { type?: unknown; commandId?: unknown; actor?: { sub?: unknown } } = {};
  try {
    cmd = (defaultPayloadConverter.fromPayload((a.input?.payloads ?? [])[0] as never) ?? {}) as typeof cmd;
  } catch {
    // Not JSON the workflow could have taken either: it matches no decision.
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { type: text(cmd.type), sub: text(cmd.actor?.sub), commandId: text(cmd.commandId), identity: a.identity ?? '' };
}

export function runFacts(runId: string, events: HistoryEvent[]): RunFacts {
  const run: RunFacts = {
    runId,
    facts: [],
    notifications: [],
    updates: new Map(),
    signals: [],
    startedAt: events[0] ? time(events[0]) : undefined,
  };
  for (const e of events) {
    const type = Number(e.eventType);
    if (type === EventType.EVENT_TYPE_MARKER_RECORDED || type === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED || type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) {
      for (const r of persistedResults(e)) {
        run.facts.push(...r.facts);
        run.notifications.push(...r.notifications);
      }
    } else if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
      const meta = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta;
      if (meta?.updateId) run.updates.set(meta.updateId, meta.identity ?? '');
    } else if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
      const sent = signalSent(e);
      if (sent) run.signals.push(sent);
    } else if (CLOSING[type]) {
      run.closedAt = time(e);
      run.closedAs = CLOSING[type];
    }
  }
  return run;
}
