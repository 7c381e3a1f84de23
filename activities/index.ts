import { Pool } from 'pg';
import { windowFromCalendar } from '../store/calendar';
import { DecisionBatch, persistDecision } from '../store/decisions';
import { unwrittenSeqs } from '../store/events';
import { allocateNoticeSerial } from '../store/notices';

export function createActivities(pool: Pool) {
  return {
    /** Events, letters and read model of one decision, in one statement (atomic, idempotent). */
    async persistDecision(batch: DecisionBatch) {
      return persistDecision(pool, batch);
    },

    /** The decisions a run answered that no API has written yet, checked before the run closes. */
    unwrittenSeqs(input: { baseId: string; seqs: number[] }) {
      return unwrittenSeqs(pool, input.baseId, input.seqs);
    },

    /** The publicity window from the official calendar, or the first year that is not loaded. */
    publicityWindow(input: { openedOn: string; workingDays: number }) {
      return windowFromCalendar(pool, input.openedOn, input.workingDays);
    },

    async allocateNotice(input: { baseId: string; year: number }) {
      return allocateNoticeSerial(pool, input.baseId, input.year);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
