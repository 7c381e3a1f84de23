import {
  admitRequest,
  admitSignalled,
  admitSignalledAsBefore,
  admitSignalledAsRequests,
  admitSignalledBySchema,
  asRequested,
  admitSignalledFromPeople,
  admitSignalledWithinBounds,
  Command,
  decide,
  Rules,
  takingReportsInReEvaluation,
} from '../domain';

/**
 * The generation of this code, written into the input of every run it starts (the API's and its
 * own continue-as-new). A run that carries generation 4 or later was started with both patches of
 * base.workflow.ts (persist-after-commit, answer-carries-decision) in force, so it takes them
 * without recording their markers (four events a run). Everything one wake-up or one signal
 * decides is persisted as one batch (a publicity window's close and the certification it leads
 * to: one activity, not two, and one workflow task fewer), and search attributes are set once a
 * step of the main loop, not once a command. Runs started by older code carry no generation and
 * keep their markers and their one batch a command. A change that need not reach running bases
 * can raise the generation instead of adding a patch: nothing is recorded for it in the history.
 * Generation 5: an approval's publicity window comes from the schedules the approval carries.
 * Generation 6: a run starts holding its search attributes and upserts only what differs.
 * Generation 7: an operator's signal is admitted as the API's requests are (its clock an instant,
 * its text storable) and under today's rules (annual reports from the host's registration).
 * Generation 8: an operator's signal is admitted only from a person, named as a token names one;
 * a calendar nudge that arrives while the main loop looks the calendar up is acted on at once.
 * Generation 9: an operator's signal is admitted by the rules the API's requests are (`admit`); a
 * run writes whatever its updates answered and no API wrote before it closes.
 * Generation 10: a publicity window fixed only after its own end closes when it was fixed; a
 * base closed by a decision taken while the main loop settled ends its run.
 * Generation 11: a base under re-evaluation takes its annual report, signalled too; a signal is
 * held to the bounds of a request (its command id, its size).
 * Generation 12: a base under re-evaluation takes no annual report, as the contract has it, asked
 * or signalled (runs of generation 11 replay the ones they took).
 * Generation 13: a signal's body meets the schema its request would, and is decided in its request's
 * form; its sender, the limits a token's claims meet.
 */
export const CODE_GENERATION = 13;

/** Whether a run was started by generation `n` or later; a run without a generation was started before 4. */
const since = (n: number) => (generation: number | undefined) => (generation ?? 0) >= n;

/** Whether a run was started by generation 4 or later (absent: by older code, which went by patch markers). */
export const takesPatchesUnmarked = since(4);

/**
 * Whether a run computes an approval's publicity window from the schedules the approval carries
 * (generation 5): no local activity inside the decision's task. Older runs look it up, as recorded.
 */
export const takesCalendarFromApproval = since(5);

/**
 * Whether a run was started holding its search attributes (generation 6: the API starts a base with
 * those of its submitted state, continue-as-new copies them), so its first task upserts nothing
 * unless they differ. In the dev server's SQLite visibility an upsert costs about as much of
 * Temporal's CPU as the update that carries it (`npm run bench:upsert`). Older runs upsert in their
 * first task, as recorded.
 */
export const takesSearchAttributesAtStart = since(6);

/**
 * Whether a run admits an operator's signal by today's rules (generation 7). A refused signal
 * stands in the history with nothing issued for it, so older runs admit as they did, or a signal
 * they refused would be applied on replay and the run would no longer match its history.
 */
export const admitsSignalsByTodaysRules = since(7);

/**
 * Whether a run admits an operator's signal only from a person (generation 8): signed as the
 * system, a signal closed a window before its time, and the trail showed it as the timer's. Older
 * runs admit as they did (a signal they took must be taken again on replay).
 */
export const admitsSignalsFromPeopleOnly = since(8);

/**
 * Whether a nudge that arrived while the main loop looked the calendar up wakes the loop again at
 * once (generation 8). Older runs waited for the hourly recheck, as recorded.
 */
export const takesNudgesDuringLookup = since(8);

/**
 * Whether a run admits an operator's signal by the rules a request is admitted by (generation 9):
 * a signalled withdrawal while the recognition was being issued left a notice's number allocated
 * and never issued. Older runs admit as they did (a signal they took must be taken again on replay).
 */
export const admitsSignalsAsRequests = since(9);

/**
 * Whether a run holds what its updates answered against the event log before it ends or continues
 * as new, and writes what is missing (generation 9). Older runs closed without, as recorded.
 */
export const writesAnswersBeforeClosing = since(9);

/**
 * Whether a window fixed only after its own end (its year's schedule loaded late) is closed, and
 * the base certified, at the instant it was fixed (generation 10). Older runs dated the close at the
 * window's end, before the window was even known, as recorded.
 */
export const closesLateWindowsWhenFixed = since(10);

/**
 * Whether the main loop looks at the stage again after its own settling (generation 10): a
 * withdrawal or an upheld objection taken while that settling waited on a slow calendar lookup
 * closed the base, and the loop then waited for a change that could never come, the run open for
 * good. Older runs wait, as recorded.
 */
export const endsWhenClosedWhileSettling = since(10);

/**
 * Whether a run admits an operator's signal within the bounds of a request (generation 11): a
 * command id past what PostgreSQL indexes failed the base's writes for good. Older runs admit as
 * they did (a signal they took must be taken again on replay).
 */
export const admitsSignalsWithinBounds = since(11);

/**
 * Whether a run holds an operator's signal to the schema its request would meet, and decides it in
 * the request's form (generation 13): `"passed": "false"`, typed by hand, concluded a review as
 * passed, and a reason could run to tens of thousands of characters. Older runs admit and decide as
 * they did (a signal they took must be taken again on replay, as it was sent).
 */
export const admitsSignalsBySchema = since(13);

/** A signalled command as a run decides it: in its request's form since generation 13, as sent before. */
export function signalForm(generation: number | undefined): (cmd: Command) => Command {
  return admitsSignalsBySchema(generation) ? asRequested : (cmd) => cmd;
}

/**
 * Whether a run takes an annual report from a base under re-evaluation, signalled, and replays one
 * it took (generation 11 alone; the contract names certified, evaluation and rectification, and
 * every other generation keeps to it). A request is refused in every run, as validators do not run
 * on replay.
 */
export const takesReportsInReEvaluation = (generation: number | undefined) => generation === 11;

/** The rules a run decides by, replayed: generation 11's took reports under re-evaluation. */
export function decisionRules(generation: number | undefined): Rules {
  return takesReportsInReEvaluation(generation) ? takingReportsInReEvaluation(decide) : decide;
}

/** How a run admits an operator's signal: as the generation that started it did. */
export function signalAdmission(generation: number | undefined): Rules {
  if (admitsSignalsBySchema(generation)) return admitSignalledBySchema;
  if (admitsSignalsWithinBounds(generation)) {
    return takesReportsInReEvaluation(generation) ? takingReportsInReEvaluation(admitSignalledWithinBounds) : admitSignalledWithinBounds;
  }
  return admitsSignalsAsRequests(generation)
    ? admitSignalledAsRequests
    : admitsSignalsFromPeopleOnly(generation)
      ? admitSignalledFromPeople
      : admitsSignalsByTodaysRules(generation)
        ? admitSignalled
        : admitSignalledAsBefore;
}
