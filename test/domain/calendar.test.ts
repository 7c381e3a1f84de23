import { chineseDate, chineseInstant, workingDayWindow, YearSchedule } from '../../domain';

// The State Council's schedules as the chinese-days package carries them (the same data the
// database is seeded with), plus a hand-made 2027 to cross a year end.
const data: { holidays: Record<string, string>; workdays: Record<string, string> } = require('chinese-days/dist/chinese-days.json');
const official = (year: number): YearSchedule => ({
  year,
  holidays: Object.keys(data.holidays).filter((d) => d.startsWith(`${year}-`)),
  workdays: Object.keys(data.workdays).filter((d) => d.startsWith(`${year}-`)),
});
const loaded = (...years: YearSchedule[]) => (y: number) => years.find((s) => s.year === y);
const only2025and2026 = loaded(official(2025), official(2026));

describe('a publicity window of five working days', () => {
  test.each([
    ['National Day: opened the day before it, the make-up Saturday counts', '2026-09-30', '2026-09-30', '2026-10-12'],
    ['Mid-Autumn and National Day back to back', '2026-09-24', '2026-09-24', '2026-10-08'],
    ['opened on a Saturday before a make-up Sunday: the Sunday is the first day', '2026-09-19', '2026-09-20', '2026-09-24'],
    ['Spring Festival, with the make-up Saturday before it', '2026-02-12', '2026-02-12', '2026-02-25'],
    ['New Year 2026: across the year end, the make-up Sunday of 4 January counts', '2025-12-31', '2025-12-31', '2026-01-07'],
    ['opened on an ordinary Saturday: starts on Monday', '2026-11-28', '2026-11-30', '2026-12-04'],
  ])('%s', (_title, openedOn, firstDay, lastDay) => {
    const w = workingDayWindow(openedOn, 5, only2025and2026);
    expect(w).toEqual({ kind: 'scheduled', firstDay, lastDay, endsAt: expect.any(String) });
  });

  test('ends at 24:00 Asia/Shanghai of its last day', () => {
    const w = workingDayWindow('2026-09-30', 5, only2025and2026);
    expect(w.kind === 'scheduled' && w.endsAt).toBe('2026-10-13T00:00:00.000+08:00');
    expect(w.kind === 'scheduled' && new Date(w.endsAt).toISOString()).toBe('2026-10-12T16:00:00.000Z');
  });

  test('a window reaching a year with no loaded schedule is not guessed', () => {
    expect(workingDayWindow('2026-12-29', 5, only2025and2026)).toEqual({ kind: 'missing_year', year: 2027, firstDay: '2026-12-29' });
    // Its first day is known when it falls before the missing year; not when the window opens in it.
    expect(workingDayWindow('2027-01-04', 5, only2025and2026)).toEqual({ kind: 'missing_year', year: 2027 });
  });

  test('once that year is loaded, the window is computed across the year end', () => {
    const y2027: YearSchedule = { year: 2027, holidays: ['2027-01-01'], workdays: [] };
    expect(workingDayWindow('2026-12-29', 5, loaded(official(2026), y2027))).toMatchObject({ firstDay: '2026-12-29', lastDay: '2027-01-05' });
  });

  test('a window entirely inside a loaded year never asks for the next one', () => {
    expect(workingDayWindow('2026-12-21', 5, loaded(official(2026)))).toMatchObject({ kind: 'scheduled', lastDay: '2026-12-25' });
  });

  test('seven working days under a policy that says so', () => {
    expect(workingDayWindow('2026-09-30', 7, only2025and2026)).toMatchObject({ lastDay: '2026-10-14' });
  });
});

describe('dates as a letter writes them', () => {
  test.each([
    ['2027-12-04T13:37:23.000+08:00', '2027年12月4日13时37分'],
    ['2027-12-04T05:37:00.000Z', '2027年12月4日13时37分'],
    ['2027-12-04T09:00:00.000+08:00', '2027年12月4日9时'],
    ['2027-12-05T00:00:00.000+08:00', '2027年12月4日24时'],
    ['2027-01-01T00:00:00.000+08:00', '2026年12月31日24时'],
    ['2027-12-05T00:00:30.000+08:00', '2027年12月5日0时'],
  ])('%s is %s', (instant, written) => expect(chineseInstant(instant)).toBe(written));
  test('a date drops its leading zeros', () => expect(chineseDate('2026-03-09')).toBe('2026年3月9日'));
});
