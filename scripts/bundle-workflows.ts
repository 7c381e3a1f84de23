import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE } from '../runtime/worker';

// Bundled once at build time so a worker restart costs seconds, not a webpack run.
async function main() {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
  writeFileSync(WORKFLOW_BUNDLE, code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
