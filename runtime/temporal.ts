import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, ConnectionOptions } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import { Config } from './config';

function tls(c: Config) {
  // A client certificate, a private CA or an API key (Temporal Cloud) implies TLS; TEMPORAL_TLS=true
  // alone is TLS to a server whose certificate the system's roots already trust.
  const on = c.TEMPORAL_TLS ? c.TEMPORAL_TLS === 'true' : !!(c.TEMPORAL_TLS_CERT || c.TEMPORAL_TLS_CA || c.TEMPORAL_API_KEY);
  if (!on) return undefined;
  return {
    serverNameOverride: c.TEMPORAL_TLS_SERVER_NAME,
    serverRootCACertificate: c.TEMPORAL_TLS_CA ? readFileSync(c.TEMPORAL_TLS_CA) : undefined,
    clientCertPair: c.TEMPORAL_TLS_CERT ? { crt: readFileSync(c.TEMPORAL_TLS_CERT), key: readFileSync(c.TEMPORAL_TLS_KEY!) } : undefined,
  };
}

/** A client connection that connects on first use, so the API starts (and answers 503) without Temporal. */
export function clientConnection(c: Config): Connection {
  const options: ConnectionOptions = { address: c.TEMPORAL_ADDRESS, tls: tls(c), apiKey: c.TEMPORAL_API_KEY };
  return Connection.lazy(options);
}

export function workerConnection(c: Config): Promise<NativeConnection> {
  const options: NativeConnectionOptions = { address: c.TEMPORAL_ADDRESS, tls: tls(c), apiKey: c.TEMPORAL_API_KEY };
  return NativeConnection.connect(options);
}

/** The workflow pollers Temporal has seen on a task queue; an identity is the SDK's `pid@host`. */
export async function workflowPollers(connection: Connection, namespace: string, taskQueue: string) {
  const res = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return res.pollers ?? [];
}

/**
 * A worker is ready once Temporal has seen this very process poll (a killed predecessor may
 * still be listed for a while), so nothing sent to it races its start.
 */
export async function waitUntilPolling(connection: Connection, namespace: string, taskQueue: string, worker: ChildProcess, withinMs: number): Promise<void> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    const exit = worker.exitCode ?? worker.signalCode;
    if (exit !== null) throw new Error(`the worker exited (${exit}) before polling`);
    // A server still starting answers with an error: not polled yet.
    const pollers = await workflowPollers(connection, namespace, taskQueue).catch(() => []);
    if (pollers.some((p) => p.identity?.startsWith(`${worker.pid}@`))) return;
    await sleep(250);
  }
  throw new Error(`the worker did not poll ${taskQueue} within ${withinMs / 1000} s`);
}
