import { rmSync } from 'node:fs';
import { APP_DB_DEFAULT } from '../../runtime/config';
import { embeddedPostgresUrl, freePort, portOpen } from '../../runtime/processes';
import { freeFrontendPort } from '../../scripts/cluster/temporal-server';
import { standInForMissingYears } from '../support/calendar';
import { exitOf, killGroup, startSupervisor } from '../support/children';
import { client, staff } from '../support/http';
import { submit, toPublicity } from '../support/journeys';
import { until } from '../support/poll';
import { serversDir } from '../support/servers';
import { TEST_SECRET } from '../support/stack';

jest.setTimeout(300_000);

// `npm start` on its embedded defaults — the Temporal dev server on a SQLite file and embedded
// PostgreSQL, both in the data directory — killed outright, as by the OOM killer or a crashed
// container: every one of its processes SIGKILLed at once, none told, PostgreSQL's pid file and
// SQLite's log left behind. The next start on the same directory must come up by itself, find
// every base as it was, take decisions, and close a window that ran out while everything was down.
// (The machine's own page cache survives a SIGKILL: what an operating-system crash would lose is
// each server's fsync to answer for, not this test.)

const TIME_SCALE = 30_000; // five working days of publicity in about twenty seconds

type Ports = { api: number; temporal: number; ui: number; pg: number };

/** The supervisor as `npm start` runs it, on nothing but its own defaults. */
function startDev(dataDir: string, ports: Ports) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    HOST: '127.0.0.1',
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    EMBEDDED_PG_PORT: String(ports.pg),
    TIME_SCALE: String(TIME_SCALE),
    AUTH_JWT_SECRET: TEST_SECRET,
  };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE']) delete env[k];
  return startSupervisor(env, ports.api);
}

test('killed outright, the next npm start finds every base as it was and closes the window that ran out meanwhile', async () => {
  const dataDir = serversDir('zz-bases-crash-');
  const ports: Ports = { api: await freePort(), temporal: await freeFrontendPort(), ui: await freePort(), pg: await freePort() };
  const http = client(`http://127.0.0.1:${ports.api}`);
  let pid: number | undefined;
  try {
    const first = await startDev(dataDir, ports);
    pid = first.dev.pid;
    await standInForMissingYears(embeddedPostgresUrl(ports.pg, APP_DB_DEFAULT));

    const waiting = await submit(http);
    const before = (await http.get(`/api/bases/${waiting.id}`, staff.officer())).body;
    const inPublicity = await submit(http);
    const opened = await toPublicity(http, inPublicity);
    // Read once the approval has been answered: the workflow planned the window's scaled timer no later.
    const approvedAt = Date.now();
    expect(opened.stage).toBe('publicity');
    const trailBefore = (await http.get(`/api/bases/${inPublicity.id}/history`, staff.officer())).body.entries;

    // Every process at once: the supervisor's group, and the groups its servers, worker and API each lead.
    killGroup(pid);
    await exitOf(first.dev);
    for (const [what, port] of Object.entries(ports)) {
      await until(`${what}'s port ${port} closed`, () => portOpen(port), (open) => !open, 15_000, 100);
    }
    // Down until the window has run out, so that only the restarted stack can close it.
    const windowEndsAt = approvedAt + (Date.parse(opened.publicity.endsAt) - Date.parse(opened.publicity.openedAt)) / TIME_SCALE;
    await new Promise((r) => setTimeout(r, Math.max(0, windowEndsAt + 1000 - Date.now())));

    const second = await startDev(dataDir, ports);
    pid = second.dev.pid;

    expect((await http.get(`/api/bases/${waiting.id}`, staff.officer())).body).toEqual(before);
    const certified = await http.waitStage(inPublicity.id, staff.officer(), 'certified', 90_000);
    expect(certified.certification.certifiedAt).toBe(opened.publicity.endsAt);
    const trailAfter = (await http.get(`/api/bases/${inPublicity.id}/history`, staff.officer())).body.entries;
    expect(trailAfter.slice(0, trailBefore.length)).toEqual(trailBefore);
    expect(trailAfter.slice(trailBefore.length)).toContainEqual(expect.objectContaining({ kind: 'stage', from: 'publicity', to: 'certified' }));

    const recommended = await http.act(waiting.id, staff.district(), 'recommend', { comment: '推荐' });
    expect(recommended.status).toBe(200);
    expect(recommended.body.stage).toBe('expert_review');
    expect((await http.get('/api/bases', staff.officer())).body.total).toBe(2);

    second.dev.kill('SIGTERM');
    expect(await exitOf(second.dev)).toBe(0);
    expect(second.output()).not.toMatch(/"level":"error"/);
  } finally {
    killGroup(pid);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
