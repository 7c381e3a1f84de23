import { existsSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import { createActivities } from '../activities';
import { Config } from './config';
import { ensureSearchAttributes } from './search-attributes';
import { clientConnection, workerConnection } from './temporal';

/** `npm run build` bundles the workflow code once; a worker then starts without webpack. */
export const WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

export async function createWorker(
  config: Config,
  pool: Pool,
  onRegistered?: (searchAttributes: string[]) => void,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const client: Connection = clientConnection(config);
  try {
    await ensureSearchAttributes(client, config.TEMPORAL_NAMESPACE, { onRegistered });
  } finally {
    await client.close();
  }
  const connection = await workerConnection(config);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(existsSync(WORKFLOW_BUNDLE)
      ? { workflowBundle: { codePath: WORKFLOW_BUNDLE } }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(pool),
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_TASKS,
    maxConcurrentLocalActivityExecutions: config.WORKER_MAX_CONCURRENT_TASKS,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_TASKS,
    shutdownGraceTime: '10s',
  });
  return { worker, connection };
}
