import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { isUnprocessedUpdate } from '../../api/dependency-errors';
import { formatInstant, PersonCommand } from '../../domain';
import { workflowIdOf } from '../../workflows/ids';
import { actUpdate, UpdateAnswer } from '../../workflows/messages';
import { until } from './poll';

/** A plain client of the suite's Temporal server, for looking behind the API (histories, visibility). */
export async function temporalClient(): Promise<Client> {
  const connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: 'default' });
}

/** How many workflows the suite's server lists for a visibility query. */
export async function countWorkflows(query: string): Promise<number> {
  const client = await temporalClient();
  try {
    return (await client.workflow.count(query)).count;
  } finally {
    await client.connection.close();
  }
}

export const EventType = temporal.api.enums.v1.EventType;

/** Every run of a base's workflow id, oldest first, following continue-as-new back to the first. */
export async function runsOf(
  client: Client,
  baseId: string,
): Promise<{ runId: string; history: temporal.api.history.v1.IHistory; events: temporal.api.history.v1.IHistoryEvent[] }[]> {
  const workflowId = `base-${baseId}`;
  const runs = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ runId, history, events: history.events ?? [] });
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return runs;
}

export function countEvents(runs: { events: temporal.api.history.v1.IHistoryEvent[] }[], type: number): number {
  return runs.reduce((n, r) => n + r.events.filter((e) => Number(e.eventType) === type).length, 0);
}

/**
 * Until the base's workflow (its latest run, open or closed) has nothing in hand: no task, no activity. A run due to continue as new
 * answers its last decision first and closes after (it checks that its answers were written), so a
 * test counting runs or their activities waits for this.
 */
export async function atRest(client: Client, baseId: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowIdOf(baseId));
  await until(
    'the workflow at rest',
    async () => (await handle.describe()).raw,
    (d) => !d.pendingWorkflowTask && !d.pendingActivities?.length,
  );
}

/**
 * Sends a decision by update straight to the base's workflow, as an API that then died before
 * writing it had (its clock now unless it gives one); sent again while a run turns decisions away
 * as it closes, as the API's gateway sends it.
 */
export async function updateBehindTheApi(client: Client, baseId: string, command: Record<string, unknown> & { commandId: string }): Promise<UpdateAnswer> {
  const cmd = { at: formatInstant(Date.now()), ...command } as unknown as PersonCommand;
  for (;;) {
    try {
      return await client.workflow.getHandle(workflowIdOf(baseId)).executeUpdate(actUpdate, { args: [cmd], updateId: command.commandId });
    } catch (err) {
      if (!isUnprocessedUpdate(err)) throw err;
    }
  }
}
