import { log } from '@temporalio/activity';
import { Pool } from 'pg';
import { windowFromCalendar } from '../store/calendar';
import { DecisionBatch, EventLogConflict, persistDecision } from '../store/decisions';
import { unwrittenSeqs } from '../store/events';
import { allocateNoticeSerial } from '../store/notices';

export function createActivities(pool: Pool) {
  return {
    /**
     * Events, letters and read model of one decision, in one statement (atomic, idempotent). A batch
     * the event log refuses (its numbers hold other decisions) is never writable: said in the log
     * and in the result Temporal records, and the base goes on rather than wait on it for good.
     */
    async persistDecision(batch: DecisionBatch) {
      try {
        return await persistDecision(pool, batch);
      } catch (err) {
        if (!(err instanceof EventLogConflict)) throw err;
        log.error('a decision conflicts with the event log and is not written', { baseId: batch.state.id, error: err.message });
        return { facts: [], notifications: [], conflict: err.message };
      }
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
