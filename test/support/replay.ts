import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { repoRoot } from '../../runtime/paths';

// From the checkout's root, so that the compiled bench (dist/) finds them too.
export const HISTORIES_DIR = path.join(repoRoot(), 'test', 'histories');
/**
 * Fixtures are kept per generation of the workflow code (a directory each): bases started under
 * every generation are still running somewhere, so every generation must keep replaying.
 * `npm run record-histories` writes into the current one; a patch() that changes the commands a
 * workflow issues starts a new generation.
 */
export const CURRENT_GENERATION = 'v13-signals-read-as-requests';

/** A recorded path: every run of one base's workflow id, as `historyToJSON` wrote them. */
export interface Fixture {
  generation: string;
  path: string;
  ends: string;
  runs: { runId: string; history: unknown }[];
}

export function loadFixtures(): Fixture[] {
  return readdirSync(HISTORIES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((generation) =>
      readdirSync(path.join(HISTORIES_DIR, generation))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => ({ ...JSON.parse(readFileSync(path.join(HISTORIES_DIR, generation, f), 'utf8')), generation })),
    );
}

let bundled: Promise<{ code: string }> | undefined;
/** The workflow code as it is in the working tree, bundled once per test file. */
function bundle() {
  if (!bundled) {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // already installed in this process
    }
    bundled = bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
  }
  return bundled;
}

const TASK_COMPLETED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;

/**
 * Whether the workflow code has decided anything in this run. A run fetched just after
 * continue-as-new may hold only its start event: there is nothing to replay, and the replayer
 * would wait for a task that never comes.
 */
export const hasDecisions = (h: temporal.api.history.v1.IHistory) => !!h.events?.some((e) => Number(e.eventType) === TASK_COMPLETED);

/**
 * Replays histories against today's workflow code: how many runs it replayed (those with
 * decisions; a test compares it with what it meant to replay) and those that no longer replay.
 */
export async function replay(runs: { name: string; history: temporal.api.history.v1.IHistory }[]): Promise<{ replayed: number; failures: string[] }> {
  async function* histories() {
    for (const r of runs) if (hasDecisions(r.history)) yield { workflowId: r.name, history: r.history };
  }
  const failures: string[] = [];
  let replayed = 0;
  const options = { workflowBundle: await bundle(), replayName: 'fixtures' };
  for await (const result of Worker.runReplayHistories(options, histories())) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return { replayed, failures };
}

export const fromJson = (history: unknown) => historyFromJSON(history);
