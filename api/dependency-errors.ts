import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, DomainErrorCode } from '../domain';
import { GRPC_STATUS, grpcCode } from '../runtime/grpc-status';
import { RUN_CLOSING } from '../workflows/messages';
import { fromDomainError, notFound, Problem, unavailable, undecided } from './problem';

const DOMAIN_CODES: DomainErrorCode[] = ['FORBIDDEN', 'INVALID', 'INELIGIBLE', 'ILLEGAL_STAGE', 'NOT_FOUND'];

/** Temporal's answers, as the caller should hear them. */
export function temporalProblem(err: unknown): Problem | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    if (isDomainRefusal(err)) {
      const cause = err.cause as ApplicationFailure;
      const details = (cause.details?.[0] ?? {}) as DomainError['details'];
      return fromDomainError(new DomainError(cause.type as DomainErrorCode, cause.message, details));
    }
    // The server turned the update away before the workflow took it up: nothing was applied.
    if (isUnprocessedUpdate(err)) return unavailable('Temporal (the decision was not taken up)', 1);
    // Any other end of the update (the run ended before answering it) may have applied it: only the
    // history can tell. (A closed base's stage is told by the route; here it could not be read.)
    return undecided('Temporal');
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return undecided('Temporal');
  // The run ended before the call reached it (nothing applied); the route tells the closed base's stage when it can read it.
  if (isNotFound(err) && /completed|closed/i.test(messages(err))) return unavailable('Temporal (the base has just closed; its last decision is being written)', 1);
  if (err instanceof WorkflowNotFoundError) return notFound('no such base');
  const code = grpcCode(err);
  if (err instanceof ServiceError || code !== undefined) {
    if (code === GRPC_STATUS.NOT_FOUND) return notFound('no such base');
    if (code === GRPC_STATUS.RESOURCE_EXHAUSTED) return unavailable('Temporal (busy)', 2);
    // A base starts holding its search attributes; a namespace no worker has yet registered them in refuses the start.
    if (code === GRPC_STATUS.INVALID_ARGUMENT && /search attribute/i.test(messages(err))) return unavailable('Temporal (its search attributes are registered when a worker first starts)');
    if (isTaskRecovering(err)) return unavailable('Temporal (the base is recovering from a failed task)', 1);
    // A connection lost mid-call may have carried the request: only a retry can tell.
    if (code === GRPC_STATUS.UNAVAILABLE || code === GRPC_STATUS.DEADLINE_EXCEEDED || code === GRPC_STATUS.CANCELLED || code === GRPC_STATUS.UNKNOWN) return undecided('Temporal');
  }
  if (/Failed to connect before the deadline|connect ECONNREFUSED|No connection established/i.test(String((err as Error)?.message))) {
    return unavailable('Temporal');
  }
  return undefined;
}

const PG_DOWN = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EPIPE|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

/**
 * PostgreSQL unreachable, restarting, out of connections, or for the moment unable to take a write:
 * read-only after a failover (25006), a statement cancelled by its timeout (57014), a deadlock or a
 * serialization failure (40P01, 40001). Each passes by itself; none is the request's fault.
 */
export function postgresProblem(err: unknown): Problem | undefined {
  const e = err as { code?: string; message?: string };
  if (e?.code && /^(57P0[1-3]|57014|53300|25006|40001|40P01|08\d{3})$/.test(e.code)) return unavailable('PostgreSQL');
  if (PG_DOWN.test(String(e?.message ?? '')) || PG_DOWN.test(String(e?.code ?? ''))) return unavailable('PostgreSQL');
  return undefined;
}

/**
 * Temporal's refusal of an update its worker's task did not take up (busy workflow), or a closing
 * run's (RUN_CLOSING): nothing was applied, and it is safe to send again.
 */
export function isUnprocessedUpdate(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && (err.cause.type === 'UnprocessedUpdate' || err.cause.type === RUN_CLOSING);
}

/**
 * Temporal's WorkflowNotReady: the base's last workflow task failed (a worker died in it), either
 * before this update arrived or after the workflow had seen it but before it was accepted. Either
 * way nothing was applied, and the task's retry will take the update when it is sent again.
 */
export function isTaskRecovering(err: unknown): boolean {
  return grpcCode(err) === GRPC_STATUS.FAILED_PRECONDITION && /Workflow Task in failed state|unexpected workflow task failure/i.test(messages(err));
}

/** Refusals that applied nothing and pass by themselves: the gateway sends the update again. */
export const isTransientRefusal = (err: unknown) => isUnprocessedUpdate(err) || isTaskRecovering(err);

function messages(err: unknown): string {
  const all: string[] = [];
  for (let e = err; e && all.length < 5; e = (e as { cause?: unknown }).cause) all.push(String((e as Error).message));
  return all.join(' | ');
}

/** A refusal by the rules (a domain failure from the update's validator): nothing was applied. */
export function isDomainRefusal(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && DOMAIN_CODES.includes(err.cause.type as DomainErrorCode);
}

/** The base's workflow has ended, or turned the update away because it was ending. */
export function isWorkflowClosed(err: unknown): boolean {
  if (err instanceof WorkflowUpdateFailedError) return err.cause instanceof ApplicationFailure && err.cause.type === 'CanceledUpdate';
  return isNotFound(err);
}

/** Temporal holds no such workflow or run (never started, or past the namespace's retention). */
export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || grpcCode(err) === GRPC_STATUS.NOT_FOUND;
}
