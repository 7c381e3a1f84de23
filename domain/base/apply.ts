import { DomainEvent } from './events';
import { evolve } from './evolve';
import { Stage } from './stages';
import { BaseState } from './state';

/** One event as it is persisted and audited: its place in the base's sequence and the stage move. */
export interface EventRecord {
  seq: number;
  from: Stage | null;
  to: Stage;
  event: DomainEvent;
}

export function applyEvents(state: BaseState | undefined, events: DomainEvent[]): { state: BaseState | undefined; records: EventRecord[] } {
  const records: EventRecord[] = [];
  let s = state;
  for (const event of events) {
    const from = s?.stage ?? null;
    s = evolve(s, event);
    records.push({ seq: s.version, from, to: s.stage, event });
  }
  return { state: s, records };
}
