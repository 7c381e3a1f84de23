import path from 'node:path';
import { freePort, startTemporalDevServer } from '../../runtime/processes';
import { client, staff } from '../support/http';
import { submit, toPublicity } from '../support/journeys';
import { startStack } from '../support/stack';

// Its own Temporal server, so that it can be stopped without touching the other suites.
jest.setTimeout(120_000);

test('with Temporal down, auditors still read the whole trail, from the event log', async () => {
  const temporal = await startTemporalDevServer({ port: await freePort(), dbFile: path.join(process.env.TEST_TMP!, `audit-degraded-${Date.now()}.db`) });
  const stack = await startStack('auditdown', { env: { TEMPORAL_ADDRESS: temporal.address, REQUEST_TIMEOUT_MS: '2000' } });
  try {
    const http = client(stack.url);
    const b = await submit(http);
    await toPublicity(http, b);
    const live = (await http.get(`/api/bases/${b.id}/history`, staff.admin())).body;
    await temporal.stop();
    const r = await http.call('GET', `/api/bases/${b.id}/history`, { token: staff.admin(), timeoutMs: 20_000 });
    expect(r.status).toBe(200);
    expect(r.body.degraded).toMatch(/event log/);
    // All but the Temporal client that sent each decision, which only Temporal's history holds.
    expect(r.body.entries).toEqual(live.entries.map(({ identity: _identity, ...e }: any) => e));
    expect(live.entries.filter((e: any) => e.identity).map((e: any) => e.action)).toEqual(['submit', 'recommend', 'record_review', 'record_review', 'conclude_review', 'approve_candidate']);
    // A download made now says so in its name, and each row that it was read from the event log.
    const csv = await http.call('GET', `/api/bases/${b.id}/history?format=csv`, { token: staff.admin(), timeoutMs: 20_000 });
    expect(csv.headers.get('content-disposition')).toContain(`base-${b.id}-history-degraded.csv`);
    const rows = csv.text.trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(r.body.entries.length);
    expect(rows.every((row: string) => row.endsWith(',"event_log"'))).toBe(true);
    const refused = await http.act(b.id, staff.leader(), 'reject_candidate', { meeting: { date: '2026-11-28', minutes: 'm' }, reason: 'x' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();
  } finally {
    await stack.stop();
    await temporal.stop();
  }
});
