import { AuditFact, auditFactOf, DomainEvent } from '../../domain';
import { trailEntries } from '../../audit/trail';

const at = (minute: number, second = 0) => `2026-12-03T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.000+08:00`;
const fact = (seq: number, type: AuditFact['type'], minute: number): AuditFact => ({
  seq,
  at: at(minute),
  type,
  commandId: `c${seq}`,
  actor: { sub: `person-${seq}`, name: '经办人', role: 'bureau_officer' },
  from: 'expert_review',
  to: 'expert_review',
  detail: {},
});

describe('the trail, in time order', () => {
  test('a write that landed after later decisions (its API died, the sweep wrote it) is placed when it was written', () => {
    const facts = [fact(1, 'ReviewRecorded', 0), fact(2, 'ReviewRecorded', 1), fact(3, 'ReviewRecorded', 2)];
    const written = new Map([
      [1, at(3)],
      [2, at(1, 30)],
      [3, at(2, 30)],
    ]);
    const entries = trailEntries(facts, [], written);
    expect(entries.map((e) => [e.kind, e.seq])).toEqual([
      ['action', 1],
      ['action', 2],
      ['persisted', 2],
      ['action', 3],
      ['persisted', 3],
      ['persisted', 1],
    ]);
    const times = entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test('decisions written together, and a decision written promptly, keep the order of the sequence whatever the clocks', () => {
    // The write's clock (PostgreSQL's) a little ahead of the decisions' (the API host's).
    const facts = [fact(1, 'ReviewRecorded', 0), fact(2, 'ReviewRecorded', 0), fact(3, 'ReviewRecorded', 1)];
    const written = new Map([
      [1, at(0, 5)],
      [2, at(0, 5)],
      [3, at(1, 5)],
    ]);
    expect(trailEntries(facts, [], written).map((e) => [e.kind, e.seq])).toEqual([
      ['action', 1],
      ['persisted', 1],
      ['action', 2],
      ['persisted', 2],
      ['action', 3],
      ['persisted', 3],
    ]);
  });

  test('a decision reads the same whatever order its particulars were stored in (the event log reorders them)', () => {
    const event = (detail: Record<string, unknown>) =>
      ({ type: 'PublicityScheduled', at: at(0), actor: { sub: 'system', name: '系统', role: 'system' }, commandId: 'c1', ...detail }) as unknown as DomainEvent;
    const asWritten = auditFactOf({ seq: 1, from: 'publicity', to: 'publicity', event: event({ firstDay: '2026-12-03', lastDay: '2026-12-09', endsAt: at(0), notice: { name: { zh: '甲', en: 'A' } } }) });
    const asStored = auditFactOf({ seq: 1, from: 'publicity', to: 'publicity', event: event({ notice: { name: { en: 'A', zh: '甲' } }, endsAt: at(0), lastDay: '2026-12-09', firstDay: '2026-12-03' }) });
    expect(JSON.stringify(asStored)).toBe(JSON.stringify(asWritten));
  });
});
