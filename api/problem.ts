import { STATUS_CODES } from 'node:http';
import { ErrorRequestHandler, Request, Response } from 'express';
import { ZodError } from 'zod';
import { DomainError, FieldProblem, fieldProblems } from '../domain';

/** An RFC 9457 problem: every refusal the API gives is one of these. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string) => new Problem(400, 'malformed-request', 'Malformed request', detail);
export const unauthorized = (detail: string) => new Problem(401, 'unauthorized', 'Not signed in', detail, {}, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Not allowed for this caller', detail);
export const notFound = (detail: string) => new Problem(404, 'not-found', 'Not found', detail);
/** The part of a request at fault names a 422: its body, query string, a path parameter or a header. */
const INVALID_PART = {
  body: ['invalid-body', 'Invalid request'],
  query: ['invalid-query', 'Invalid query'],
  path: ['invalid-path', 'Invalid path parameter'],
  header: ['invalid-header', 'Invalid header'],
} as const;
export const invalid = (detail: string, errors: FieldProblem[], part: keyof typeof INVALID_PART = 'body') =>
  new Problem(422, INVALID_PART[part][0], INVALID_PART[part][1], detail, { errors });
export const conflict = (detail: string, stage: string, allowedActions: string[]) =>
  new Problem(409, 'illegal-stage', 'Not allowed in the current stage', detail, { stage, allowedActions });
export const tooMany = (retryAfterSec: number) =>
  new Problem(429, 'rate-limited', 'Too many requests', 'Slow down and retry later', {}, { 'Retry-After': String(retryAfterSec) });
export const unavailable = (what: string, retryAfterSec = 5) =>
  new Problem(503, 'dependency-unavailable', 'Service temporarily unavailable', `${what} is unreachable; nothing was changed, retry later`, { applied: false }, { 'Retry-After': String(retryAfterSec) });
/**
 * The dependency stopped answering after the request reached it: a decision may have been applied.
 * The caller must not be told otherwise; the same Idempotency-Key sent again settles it, once.
 */
export const undecided = (what: string, retryAfterSec = 5) =>
  new Problem(
    503, 'dependency-unavailable', 'Service temporarily unavailable',
    `${what} did not answer in time; if this was a decision it may still have been applied: send it again with the same Idempotency-Key, which applies it at most once`,
    { applied: 'unknown' }, { 'Retry-After': String(retryAfterSec) },
  );

/**
 * The workflow took the decision, and the event log holds another at its number (the base's run was
 * reset or diverged from its history): it is not recorded, and sending it again cannot change that.
 */
export const eventLogConflict = (why: string) =>
  new Problem(500, 'event-log-conflict', 'Decision taken but not recorded', `the workflow took this decision, but it is not recorded and cannot be: ${why}; an operator must look at this base`, { applied: true, recorded: false });

export function fromDomainError(err: DomainError): Problem {
  switch (err.code) {
    case 'FORBIDDEN':
      return forbidden(err.message);
    case 'NOT_FOUND':
      return notFound(err.message);
    case 'ILLEGAL_STAGE':
      return conflict(err.message, err.details.stage ?? '', err.details.allowedActions ?? []);
    case 'INELIGIBLE':
      return new Problem(422, 'ineligible', 'The applicant is not eligible', err.message, { errors: err.details.errors ?? [] });
    case 'INVALID':
      return invalid(err.message, err.details.errors ?? []);
  }
}

/** No body read at all is a request sent without JSON's content type (curl's -d alone): said so. */
const messageOf = (i: ZodError['issues'][number], prefix: string): string =>
  !prefix && i.path.length === 0 && i.code === 'invalid_type' && /received undefined/.test(i.message) ? 'no JSON body: send one with Content-Type: application/json' : i.message;

export function fromZodError(err: ZodError, prefix = ''): Problem {
  const errors = fieldProblems(err, prefix, (i) => messageOf(i, prefix));
  return invalid(`${errors.length} field(s) invalid`, errors, !prefix ? 'body' : prefix === 'query' ? 'query' : 'path');
}

export function sendProblem(res: Response, p: Problem): void {
  for (const [k, v] of Object.entries(p.headers)) res.setHeader(k, v);
  res
    .status(p.status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `urn:zz-coop-bases:problem:${p.slug}`, title: p.title, status: p.status, detail: p.detail, ...p.extra }));
}

/** The one mapper from anything thrown to a status: body-parser's own errors included. */
export function problemHandler(
  toProblem: (err: unknown) => Problem | undefined,
  onProblem: (p: Problem, req: Request) => void,
  onUnexpected: (err: unknown, req: Request) => void,
): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const p = toProblem(err);
    if (p) {
      onProblem(p, req);
      return sendProblem(res, p);
    }
    onUnexpected(err, req);
    sendProblem(res, new Problem(500, 'internal', 'Internal error', 'An unexpected error occurred; it has been logged'));
  };
}

/** Errors raised by express.json and friends, which carry their own status. */
export function fromBodyParserError(err: { type?: string; status?: number; message?: string }): Problem | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new Problem(413, 'body-too-large', 'Body too large', 'the request body is over the limit');
    case 'entity.parse.failed':
      return badRequest('the body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Problem(415, 'unsupported-encoding', 'Unsupported encoding', 'send UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return badRequest(err.message ?? 'bad request body');
    default:
      return undefined;
  }
}

/**
 * Express's other refusals carry a 4xx status of their own (a path that does not decode, a body
 * that does not inflate): the caller's mistake, to be answered as one, never as a 500.
 */
export function fromHttpError(err: { status?: unknown; statusCode?: unknown; message?: string }): Problem | undefined {
  const status = err?.status ?? err?.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499) return undefined;
  const detail = err.message || STATUS_CODES[status] || 'request refused';
  if (status === 400) return badRequest(detail);
  if (status === 404) return notFound(detail);
  return new Problem(status, `http-${status}`, STATUS_CODES[status] ?? 'Request refused', detail);
}
