import { writeFileSync } from 'node:fs';
import type { PhaseResult } from './phase';
import { median, middle, round } from './stats';

export interface Comparison {
  settings: Record<string, unknown>;
  ours: Omit<PhaseResult, 'workflowIds'>;
  bare: Omit<PhaseResult, 'workflowIds'>;
  ratio: { throughput: number; p50: number; p95: number; p99: number; p99Opening: number; p99AfterOpening: number; historyEvents: number };
  /** Which side ran first in this round. */
  first: 'bare' | 'ours';
}

type Side = Comparison['ours'];
type Row = [string, (p: Side) => unknown, unknown];

const strip = ({ workflowIds: _ids, ...rest }: PhaseResult) => rest;

export function compare(settings: Record<string, unknown>, ours: PhaseResult, bare: PhaseResult, first: Comparison['first']): Comparison {
  const r = (a?: number, b?: number) => (a !== undefined && b ? round(a / b, 2) : NaN);
  return {
    settings,
    first,
    ours: strip(ours),
    bare: strip(bare),
    ratio: {
      throughput: r(ours.decisionsPerSec, bare.decisionsPerSec),
      p50: r(ours.p50Ms, bare.p50Ms),
      p95: r(ours.p95Ms, bare.p95Ms),
      p99: r(ours.p99Ms, bare.p99Ms),
      p99Opening: r(ours.opening.p99Ms, bare.opening.p99Ms),
      p99AfterOpening: r(ours.afterOpening.p99Ms, bare.afterOpening.p99Ms),
      historyEvents: r(ours.historyEventsPerBase, bare.historyEventsPerBase),
    },
  };
}

const mem = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v} MB`).join(', ');
/** CPU a decision cost, all parts of the process tree together, or one of them. */
const cpuPerDecision = (p: Side, part?: string) => {
  const sec = Object.entries(p.cpuSec).reduce((sum, [k, s]) => sum + (part === undefined || k === part ? s : 0), 0);
  return round((sec * 1000) / Math.max(1, p.decisions));
};

export function printComparison(c: Comparison): void {
  const rows: Row[] = [
    ['bases (failed)', (p) => `${p.bases} (${p.failedBases})`, ''],
    ['decisions (failed, retried)', (p) => `${p.decisions} (${p.failedDecisions}, ${p.retriedDecisions})`, ''],
    ['decisions per second', (p) => p.decisionsPerSec, c.ratio.throughput],
    ['p50 decision latency ms', (p) => p.p50Ms, c.ratio.p50],
    ['p95 decision latency ms', (p) => p.p95Ms, c.ratio.p95],
    ['p99 decision latency ms', (p) => p.p99Ms, c.ratio.p99],
    ['p99 ms, the opening / after it', (p) => `${p.opening.p99Ms} / ${p.afterOpening.p99Ms}`, `${c.ratio.p99Opening} / ${c.ratio.p99AfterOpening}`],
    ['the opening: s, decisions', (p) => `${p.opening.sec}, ${p.opening.decisions}`, ''],
    ['max decision latency ms', (p) => p.maxMs, ''],
    ['wall time s', (p) => p.wallSec, ''],
    ['history events per base', (p) => p.historyEventsPerBase, c.ratio.historyEvents],
    ['history KB per base', (p) => p.history?.kbPerBase, ''],
    ['workflow task queued ms p50', (p) => p.history?.taskQueuedMsP50, ''],
    ['workflow task in worker ms p50', (p) => p.history?.taskInWorkerMsP50, ''],
    ['first task queued / in worker p50', (p) => (p.history ? `${p.history.firstTaskQueuedMsP50} / ${p.history.firstTaskInWorkerMsP50}` : ''), ''],
    ['peak RSS', (p) => mem(p.peakRssMb), ''],
    ...['worker', 'api', 'temporal', 'temporal-db', 'postgres', 'bench'].map(
      (part) => [`CPU ms per decision: ${part}`, (p: Side) => cpuPerDecision(p, part), ''] as Row,
    ),
    ['CPU ms per decision: all', (p) => cpuPerDecision(p), ''],
  ];
  const w = [34, 36, 36];
  const line = (cells: unknown[]) => console.log(cells.map((x, i) => String(x).padEnd(w[i] ?? 8)).join(''));
  console.log('');
  console.log(`settings: ${JSON.stringify(c.settings)}`);
  line(['', 'ours', 'bare', 'ours/bare']);
  for (const [name, get, ratio] of rows) line([name, get(c.ours), get(c.bare), ratio]);
  for (const [side, p] of [['ours', c.ours], ['bare', c.bare]] as const) {
    const listed = (title: string, of?: Record<string, { p50Ms: number; p99Ms: number }>) => {
      const items = Object.entries(of ?? {}).map(([k, v]) => `${k} ${v.p50Ms}/${v.p99Ms}`);
      if (items.length) console.log(`${side}, ${title}: ${items.join(', ')}`);
    };
    listed('p50/p99 ms by action', p.byAction);
    listed('p50/p99 ms by step in the API (Server-Timing)', p.bySteps);
    listed('the same for submissions and for the other decisions', p.byGroupSteps);
    if (p.firstError) console.log(`${side}: first failure: ${p.firstError}`);
  }
}

/** The round whose throughput ratio is the median: its table is the one printed. */
export function medianRound(runs: Comparison[]): Comparison {
  const m = median(runs.map((r) => r.ratio.throughput));
  return runs.find((r) => r.ratio.throughput === m)!;
}

const spreadOf = (xs: number[]) => ({ median: middle(xs), min: Math.min(...xs), max: Math.max(...xs), each: xs });

/**
 * The side that runs second in a round measures worse (the p99 ratio was lowest in the round ours
 * went first in 13 of 17 earlier runs, one a tie): rounds 1 and 2, 3 and 4, … are pairs with each side
 * first once, and the geometric mean of a pair's two ratios cancels that order, as it does a
 * machine drifting one way over the pair. An odd last round has no pair and is left out.
 */
function pairedSpreads(runs: Comparison[]) {
  const pairs = (key: 'throughput' | 'p99' | 'p99AfterOpening') => {
    const out: number[] = [];
    for (let i = 0; i + 1 < runs.length; i += 2) out.push(round(Math.sqrt(runs[i].ratio[key] * runs[i + 1].ratio[key]), 2));
    return out;
  };
  return runs.length < 2
    ? undefined
    : { throughput: spreadOf(pairs('throughput')), p99: spreadOf(pairs('p99')), p99AfterOpening: spreadOf(pairs('p99AfterOpening')) };
}

/** One round's ratio moves by ± 0.06 on this machine, and with the order: the spread over rounds and pairs is the figure to quote. */
export function printRounds(runs: Comparison[]): void {
  const line = (name: string, xs: number[], notes?: string[]) => {
    const s = spreadOf(xs);
    const each = notes ? xs.map((x, i) => `${x} (${notes[i]})`) : xs;
    console.log(`${name}: ${each.join(', ')} → median ${s.median} (${s.min}-${s.max})`);
  };
  const firsts = runs.map((r) => `${r.first} first`);
  console.log(`over ${runs.length} rounds, bare and ours going first in turn (the table above is the median round's):`);
  line('  decisions per second, ours / bare', runs.map((r) => r.ratio.throughput), firsts);
  line('  p99 latency, ours / bare', runs.map((r) => r.ratio.p99), firsts);
  line('  p99 after the opening, ours / bare', runs.map((r) => r.ratio.p99AfterOpening), firsts);
  const paired = pairedSpreads(runs);
  if (!paired) return;
  console.log(`by pairs of rounds, each side first once (geometric mean of the pair's two ratios):`);
  line('  decisions per second, ours / bare', paired.throughput.each);
  line('  p99 latency, ours / bare', paired.p99.each);
  line('  p99 after the opening, ours / bare', paired.p99AfterOpening.each);
  if (runs.length % 2) console.log(`  (round ${runs.length} has no pair and is not in these)`);
}

/** One round: the comparison as it is. Several: the median round, with every round's figures, the spread and the pairs'. */
export function roundsJson(c: Comparison, runs: Comparison[]) {
  if (runs.length === 1) return c;
  const throughput = spreadOf(runs.map((r) => r.ratio.throughput));
  const p99 = spreadOf(runs.map((r) => r.ratio.p99));
  return { ...c, spread: { throughput, p99 }, paired: pairedSpreads(runs), rounds: runs.map((r) => ({ first: r.first, ours: r.ours, bare: r.bare, ratio: r.ratio })) };
}

export function writeJson(file: string | undefined, data: unknown): void {
  if (!file) return;
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
