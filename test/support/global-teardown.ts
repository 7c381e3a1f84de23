import { rmSync } from 'node:fs';
import type { Managed } from '../../runtime/processes';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __temporal?: Managed; __pg?: { stop?: () => Promise<void> } };
  await g.__temporal?.stop(5000);
  await g.__pg?.stop?.();
  // KEEP_TEST_TMP=1 leaves the servers' and processes' logs for a failure to be read.
  if (process.env.KEEP_TEST_TMP === '1') console.log(`test logs and data kept in ${process.env.TEST_TMP}`);
  else if (process.env.TEST_TMP) rmSync(process.env.TEST_TMP, { recursive: true, force: true });
}
