import { rmSync } from 'node:fs';
import type { EmbeddedPg, Managed } from '../../runtime/processes';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __temporal?: Managed; __pg?: EmbeddedPg };
  await g.__temporal?.stop(5000);
  await g.__pg?.stop();
  if (process.env.TEST_TMP) rmSync(process.env.TEST_TMP, { recursive: true, force: true });
}
