import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Pool } from 'pg';
import { EventType, runsOf } from './temporal';

// Workflow-task bookkeeping is Temporal's, not the base's: a refused update may leave a task
// behind when it meets a workflow that is not idle, but never anything else.
const BOOKKEEPING = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

/** Everything a decision leaves behind, so a test can say "nothing changed" and mean it. */
export interface Trace {
  /** The read model's version of the base. */
  version: number;
  /** Rows of the base in the event table. */
  rows: number;
  /** The workflow history's event types (every run), bookkeeping left out. */
  history: string[];
  /** Updates the workflow admitted (one per accepted decision). */
  acceptedUpdates: number;
}

export interface Tracer {
  of(baseId: string): Promise<Trace>;
  close(): Promise<void>;
}

export async function tracer(pool: Pool, temporalAddress: string): Promise<Tracer> {
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const history = async (baseId: string) => (await runsOf(client, baseId)).flatMap((r) => r.events);
  return {
    async of(baseId) {
      const [read, rows, events] = await Promise.all([
        pool.query('SELECT version FROM bases WHERE id = $1', [baseId]),
        pool.query('SELECT count(*)::int AS n FROM base_events WHERE base_id = $1', [baseId]),
        history(baseId),
      ]);
      const kept = events.filter((e) => !BOOKKEEPING.has(Number(e.eventType)));
      return {
        version: read.rows[0]?.version ?? 0,
        rows: rows.rows[0].n,
        history: kept.map((e) => EventType[Number(e.eventType)] ?? String(e.eventType)),
        acceptedUpdates: kept.filter((e) => Number(e.eventType) === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length,
      };
    },
    close: () => connection.close(),
  };
}
