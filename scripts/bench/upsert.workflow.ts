import { condition, defineUpdate, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES as SA } from '../../workflows/search-attributes';

export type UpsertMode = 'none' | 'one' | 'six' | 'answer';
export const upsertAct = defineUpdate<number | { n: number; state: string }, [number]>('act');

/** About what one of ours' answers carries besides its records: the base's state (3 KB). */
const STATE = 'x'.repeat(3000);

/**
 * An update whose task sets no search attribute, one (a stage), or all six of a base's, as a stage
 * change does; or sets none and answers with as much as ours' answers carry (`answer`).
 */
export async function upsertWorkflow(mode: UpsertMode): Promise<void> {
  let n = 0;
  setHandler(upsertAct, (k) => {
    n += 1;
    const stage = `stage-${k % 7}`;
    if (mode === 'one') upsertSearchAttributes([{ key: SA.BaseStage, value: stage }]);
    if (mode === 'six')
      upsertSearchAttributes([
        { key: SA.BaseStage, value: stage },
        { key: SA.BaseDistrict, value: '410105' },
        { key: SA.BaseRating, value: k % 2 ? 'qualified' : null },
        { key: SA.PolicyVersion, value: '2021' },
        { key: SA.PublicityEndsAt, value: new Date(Date.UTC(2026, 0, 1 + k)) },
        { key: SA.ApplicantName, value: '郑州测试科技有限公司' },
      ]);
    return mode === 'answer' ? { n, state: STATE } : n;
  });
  await condition(() => false);
}
