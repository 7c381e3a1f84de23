import { Actor, applyEvents, auditFactOf, BaseState, Command, decide, EventRecord } from '../../domain';
import { assembleTrail } from '../../audit/assemble';
import { StoredEvent } from '../../store/events';
import { notificationsOf } from '../../store/decisions';
import { actors, application } from './fixtures';

// A base applied for and then withdrawn by its applicant, as the workflow's run records it.
let n = 0;
const cmd = (actor: Actor, body: Record<string, unknown>) => ({ ...body, actor, at: '2026-12-03T10:00:00.000+08:00', commandId: `c${++n}` }) as unknown as Command;
function lived(...commands: Command[]): { state: BaseState; records: EventRecord[] } {
  let state: BaseState | undefined;
  const records: EventRecord[] = [];
  for (const c of commands) {
    const applied = applyEvents(state, decide(state, c));
    state = applied.state;
    records.push(...applied.records);
  }
  return { state: state!, records };
}
const withdrawn = () =>
  lived(
    cmd(actors.applicant, { type: 'submit', baseId: 'b1', policyVersion: '2021', application: application() }),
    cmd(actors.applicant, { type: 'withdraw', reason: '合作调整' }),
  );

const stored = (r: EventRecord): StoredEvent => ({
  seq: r.seq, type: r.event.type, at: r.event.at, actor: r.event.actor as StoredEvent['actor'], commandId: r.event.commandId, from: r.from, to: r.to,
  policyVersion: '2021', payload: r.event as unknown as Record<string, unknown>, workflowId: 'b1', runId: 'run-1', recordedAt: r.event.at,
});
const run = (b: { state: BaseState; records: EventRecord[] }) => ({ runId: 'run-1', facts: b.records.map(auditFactOf), notifications: notificationsOf(b), updates: new Map(), signals: [] });
const letters = (trail: ReturnType<typeof assembleTrail>) => trail.entries.filter((e) => e.kind === 'notification').map((e) => [e.seq, (e.detail as { subject: string }).subject]);

describe("the trail's letters", () => {
  test('a withdrawal tells the district; a decision not yet written shows the letters it owes', () => {
    const b = withdrawn();
    const submittedLetter = notificationsOf(b).filter((l) => l.seq === 1);
    expect(letters(assembleTrail('b1', [run(b)], { events: [stored(b.records[0])], notifications: submittedLetter }))).toEqual([
      [1, '新的国际科技合作基地申报'],
      [2, '申报已撤回'],
    ]);
  });
  test('a decision written shows exactly the letters written with it, none for one written before its letter existed', () => {
    const b = withdrawn();
    const submittedLetter = notificationsOf(b).filter((l) => l.seq === 1);
    expect(letters(assembleTrail('b1', [run(b)], { events: b.records.map(stored), notifications: submittedLetter }))).toEqual([[1, '新的国际科技合作基地申报']]);
  });
});
