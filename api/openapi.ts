import { z } from 'zod';
import { ACTION_TYPES, actionSchemas, applicationSchema, indicatorsSchema, objectionSchema, STAGES } from '../domain';
import { calendarBodySchema, storedCalendarSchema } from './schemas/queries';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: object) => ({ content: { 'application/json': { schema: s } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      problem(
        {
          400: 'Malformed JSON',
          401: 'Missing or bad token',
          403: 'Role, district or organisation not allowed',
          404: 'Unknown base',
          409: 'Not allowed in the current stage (body carries stage and allowedActions)',
          413: 'Body over the limit',
          415: 'Body not UTF-8 JSON (a charset or Content-Encoding other than UTF-8 and gzip/deflate)',
          422: 'Invalid body, the applicant is ineligible, or an Idempotency-Key first sent with another body (errors names each field)',
          429: 'Rate-limited',
          503: 'Temporal or PostgreSQL unreachable (Retry-After); `applied` says whether a decision may have been applied',
        }[c] ?? 'Error',
      ),
    ]),
  );
const idempotency = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 }, description: 'A retry with the same key and body applies once and answers the same; the key with another body is 422' };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const yearParam = { name: 'year', in: 'path', required: true, schema: { type: 'integer', minimum: 2000, maximum: 2100 }, description: 'Four digits' };
const ok = (description: string, s: object = ref('BaseView')) => ({ description, ...json(s) });
const years = { type: 'array', items: { type: 'integer' } };
const readiness = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: { type: 'object', properties: { postgres: { type: 'boolean' }, temporal: { type: 'boolean' } } },
    calendar: { type: 'object', description: 'Absent while PostgreSQL is unreachable', properties: { needed: years, missing: years } },
  },
};

/** The served contract, generated from the same zod schemas that validate requests. */
export function openApiDocument() {
  const actionBodies = ACTION_TYPES.map((t) => ({ title: t, ...schema(actionSchemas[t]) }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Zhengzhou International S&T Cooperation Bases',
      version: '1.0.0',
      description: 'Case management under 郑科规〔2021〕3号. Errors are RFC 9457 problem+json; checks run 401 → 404 → 403 → 422 → 409.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (HS256)' } },
      schemas: {
        Application: schema(applicationSchema),
        Indicators: schema(indicatorsSchema),
        Action: { oneOf: actionBodies, discriminator: { propertyName: 'type' } },
        Objection: schema(objectionSchema),
        Calendar: schema(calendarBodySchema),
        StoredCalendar: schema(storedCalendarSchema),
        Stage: { type: 'string', enum: [...STAGES] },
        BaseView: {
          type: 'object',
          required: ['id', 'stage', 'applicant', 'foreignPartner', 'field', 'submittedAt', 'updatedAt', 'allowedActions', 'policyVersion'],
          properties: {
            id: { type: 'string' },
            stage: ref('Stage'),
            policyVersion: { type: 'string' },
            applicant: { type: 'object' },
            foreignPartner: { type: 'object' },
            field: { type: 'string' },
            submittedAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            publicity: { type: ['object', 'null'], description: '{firstDay, lastDay, endsAt, objections, waiting} once opened' },
            certification: { type: ['object', 'null'], description: '{notice, certifiedAt, name: {zh, en}}' },
            evaluations: { type: 'array', items: { type: 'object' } },
            rectification: { type: ['object', 'null'], description: '{startedAt, dueAt}' },
            allowedActions: { type: 'array', items: { type: 'string', enum: ACTION_TYPES } },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
            stage: { type: 'string' },
            allowedActions: { type: 'array', items: { type: 'string' } },
            applied: {
              description: "503 only: false when nothing was applied; 'unknown' when Temporal stopped answering after the request reached it (send it again with the same Idempotency-Key)",
              oneOf: [{ type: 'boolean', const: false }, { type: 'string', const: 'unknown' }],
            },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/bases': {
        post: {
          summary: 'Submit an application (applicant, for its own organisation)',
          parameters: [idempotency],
          requestBody: { required: true, ...json(ref('Application')) },
          responses: {
            '201': { ...ok('The new base'), headers: { Location: { description: 'The base: /api/bases/{id}', schema: { type: 'string' } } } },
            ...errors(400, 401, 403, 413, 415, 422, 503),
          },
        },
        get: {
          summary: 'List bases from the read model (a district officer sees its district only)',
          parameters: ['stage', 'district', 'rating', 'q', 'page', 'pageSize', 'sort', 'order'].map((name) => ({
            name,
            in: 'query',
            required: false,
            schema: { type: 'string' },
            ...(name === 'stage' || name === 'rating' ? { description: 'One value, or several comma-separated for any of them (rating=excellent,qualified&stage=certified,evaluation: the bases Art. 12 puts first)' } : {}),
          })),
          responses: { '200': ok('A page', { type: 'object', properties: { items: { type: 'array', items: ref('BaseView') }, total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' } } }), ...errors(401, 403, 422, 503) },
        },
      },
      '/api/bases/{id}': { get: { summary: 'The base view', parameters: [idParam], responses: { '200': ok('The base'), ...errors(401, 403, 404, 503) } } },
      '/api/bases/{id}/actions': {
        post: {
          summary: 'Send a decision',
          parameters: [idParam, idempotency],
          requestBody: { required: true, ...json(ref('Action')) },
          responses: { '200': ok('The base after the decision'), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 503) },
        },
      },
      '/api/bases/{id}/objections': {
        post: {
          summary: 'Object during publicity (no token, rate-limited)',
          security: [],
          parameters: [idParam, idempotency],
          requestBody: { required: true, ...json(ref('Objection')) },
          responses: { '201': ok('Filed', { type: 'object', properties: { id: { type: 'string' } } }), ...errors(400, 404, 409, 413, 415, 422, 429, 503) },
        },
      },
      '/api/bases/{id}/history': {
        get: {
          summary: 'The audit trail (admin, bureau_officer, bureau_leader); ?format=csv for a download',
          parameters: [idParam, { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv'] } }],
          responses: { '200': ok('{id, runs, entries}', { type: 'object' }), ...errors(401, 403, 404, 503) },
        },
      },
      '/api/publicity': { get: { summary: 'Bases in publicity now', security: [], responses: { '200': ok('{items}', { type: 'object' }), ...errors(503) } } },
      '/api/districts': { get: { summary: 'Districts and development zones', security: [], responses: { '200': ok('[{code, name}]', { type: 'array' }) } } },
      '/api/calendar/{year}': {
        get: { summary: "A year's official schedule", security: [], parameters: [yearParam], responses: { '200': ok('The schedule, its source and when it was loaded', ref('StoredCalendar')), ...errors(404, 503) } },
        put: {
          summary: "Load a year's schedule (admin); windows waiting for it resume",
          parameters: [yearParam],
          requestBody: { required: true, ...json(ref('Calendar')) },
          responses: { '200': ok('Stored', ref('StoredCalendar')), ...errors(400, 401, 403, 413, 415, 422, 503) },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'Alive' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: Temporal and PostgreSQL; also the calendar years a window opened today could reach, and which have no schedule loaded (those windows wait until an admin loads it)',
          security: [],
          responses: { '200': ok('Ready', readiness), '503': ok('Temporal or PostgreSQL unreachable (Retry-After); checks says which', readiness) },
        },
      },
    },
  };
}
