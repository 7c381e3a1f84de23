import { openApiDocument } from '../../api/openapi';
import { ACTION_TYPES } from '../../domain';

// The document served at /openapi.json is how outside teams read the contract (../shared/API.md):
// every route and every action must be in it, generated from the schemas that validate requests.
const doc = openApiDocument() as any;

test('it is OpenAPI 3.1 with every route of the contract, method by method', () => {
  expect(doc.openapi).toBe('3.1.0');
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
  expect(routes.sort()).toEqual(
    [
      'POST /api/bases', 'GET /api/bases', 'GET /api/bases/{id}', 'POST /api/bases/{id}/actions', 'POST /api/bases/{id}/objections',
      'GET /api/bases/{id}/history', 'GET /api/publicity', 'GET /api/districts', 'GET /api/calendar/{year}', 'PUT /api/calendar/{year}',
      'GET /healthz', 'GET /readyz',
    ].sort(),
  );
});

test('the action body documents every action, each refusing unknown fields as the API does', () => {
  const shapes = doc.components.schemas.Action.oneOf as { properties: { type: { const: string } }; additionalProperties: boolean }[];
  expect(shapes.map((s) => s.properties.type.const).sort()).toEqual([...ACTION_TYPES].sort());
  for (const s of shapes) expect(s.additionalProperties).toBe(false);
});

test('retries are documented: Idempotency-Key on submissions, decisions and objections; 503 says whether anything applied', () => {
  const keyed = (path: string) => doc.paths[path].post.parameters.some((p: { name?: string }) => p.name === 'Idempotency-Key');
  expect(['/api/bases', '/api/bases/{id}/actions', '/api/bases/{id}/objections'].map(keyed)).toEqual([true, true, true]);
  expect(doc.components.schemas.Problem.properties.applied.oneOf).toEqual([
    { type: 'boolean', const: false },
    { type: 'string', const: 'unknown' },
  ]);
});

test('every route that reads a body documents 413 and 415, and a submission its Location', () => {
  const withBody = Object.values(doc.paths).flatMap((ops) => Object.values(ops as Record<string, any>)).filter((op) => op.requestBody);
  expect(withBody).toHaveLength(4);
  for (const op of withBody) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['413', '415']));
  expect(doc.paths['/api/bases'].post.responses['201'].headers.Location).toBeDefined();
});
