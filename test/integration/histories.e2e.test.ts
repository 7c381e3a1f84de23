import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal as proto } from '@temporalio/proto';
import { client, staff } from '../support/http';
import { EARLIER_DAYS, PATHS } from '../support/paths';
import { OwnApi, startOwnApi } from '../support/own-api';
import { CURRENT_GENERATION, hasDecisions, HISTORIES_DIR, replay } from '../support/replay';
import { startStack, Stack } from '../support/stack';
import { atRest, runsOf, temporalClient, updateBehindTheApi } from '../support/temporal';
import { workflowIdOf } from '../../workflows/ids';

// Drives every path of a base's life end to end and replays the histories it made. With
// RECORD_HISTORIES=1 (npm run record-histories) it also writes them as the replay fixtures.
jest.setTimeout(600_000);
let fast: Stack;
let slow: Stack;
let temporal: Client;
let earlier: OwnApi;
beforeAll(async () => {
  // Small continue-as-new threshold so the longer paths span several runs.
  [fast, slow] = await Promise.all([
    startStack('paths', { timeScale: 5_000_000, env: { CONTINUE_AS_NEW_AFTER_EVENTS: '40' } }),
    startStack('pathsslow', { timeScale: 50_000 }),
  ]);
  temporal = await temporalClient();
  earlier = await startOwnApi(fast, { now: () => Date.now() - EARLIER_DAYS * 864e5 });
});
afterAll(async () => {
  await temporal?.connection.close();
  await earlier?.stop();
  await Promise.all([fast?.stop(), slow?.stop()]);
});

test.each(Object.entries(PATHS))('%s', async (name, p) => {
  const ctx = {
    http: client(fast.url),
    slow: client(slow.url),
    earlier: earlier.api,
    dropCalendarYear: async (year: number) => void (await fast.pool.query('DELETE FROM calendar_years WHERE year = $1', [year])),
    signal: async (baseId: string, command: object) => {
      const handle = temporal.workflow.getHandle(workflowIdOf(baseId));
      await handle.signal('act', command);
      // A query is answered once the task that took the signal has completed: each signal its own task.
      await handle.query('view', { sub: 'ops', name: 'ops', role: 'bureau_officer' });
    },
    behind: async (baseId: string, command: object) => void (await updateBehindTheApi(temporal, baseId, { ...command, commandId: `behind-${randomUUID()}` })),
  };
  const b = await p.drive(ctx);
  // Until the run has done what it does after the last answer (a closing run writes what its updates answered).
  await atRest(temporal, b.id);
  const fromFast = await ctx.http.get(`/api/bases/${b.id}`, staff.officer());
  const view = fromFast.status === 200 ? fromFast.body : (await ctx.slow.get(`/api/bases/${b.id}`, staff.officer())).body;
  expect(view.stage).toBe(p.ends);
  const runs = await runsOf(temporal, b.id);
  const decided = runs.filter((r) => hasDecisions(r.history)).length;
  expect(decided).toBeGreaterThan(0);
  expect(await replay(runs.map((r, i) => ({ name: `${name}#${i + 1}`, history: r.history })))).toEqual({ replayed: decided, failures: [] });
  if (process.env.RECORD_HISTORIES === '1') {
    const fixture = { path: name, ends: p.ends, runs: runs.filter((r) => hasDecisions(r.history)).map((r) => ({ runId: r.runId, history: JSON.parse(historyToJSON(r.history as proto.api.history.v1.History)) })) };
    mkdirSync(path.join(HISTORIES_DIR, CURRENT_GENERATION), { recursive: true });
    writeFileSync(path.join(HISTORIES_DIR, CURRENT_GENERATION, `${name}.json`), JSON.stringify(fixture, null, 1) + '\n');
  }
});
