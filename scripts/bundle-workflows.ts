import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE } from '../runtime/worker';

// Bundled once at build time so a worker restart costs seconds, not a webpack run.
async function main() {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // The domain is pure and keeps no state of its own: one copy shared by every workflow in the
    // worker's V8 context, instead of one instantiated per cached workflow (the bench measured
    // that as most of a cached workflow's memory, and of the CPU to bring one back into the cache).
    preloadModules: [require.resolve('../workflows/sandbox'), require.resolve('../domain')],
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never,
  });
  writeFileSync(WORKFLOW_BUNDLE, code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
