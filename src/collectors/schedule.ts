// When a job's cycles run: node-cron expressions (six fields, seconds
// first), validated by node-cron at flag parsing. A schedule that repeats
// within an hour (`*/15 * * * * *`, `0 * * * * *`, `0 */5 * * * *`: every
// schedule ethtrack ships, and what operators set) is timed here; any other
// is handed to node-cron's scheduler. Measured, not taste: node-cron 4 finds
// each next run through an Intl.DateTimeFormat, and the first one maps ICU's
// locale and zone data into the process, 8.8 MB resident (1.6 MB of it
// anonymous) and ~20 ms of start-up, on every node of a fleet, for answers
// that the seconds and minutes fields give directly. The runs are the same:
// a test compares them with node-cron's own getNextRuns.

import { type Periodic, periodic } from '../flags';
import { nodeCron } from '../logger';

// The interval is the longest gap between runs, read off the period's runs
// (a test checks it against node-cron's next runs); anything else asks
// node-cron, whose getNextRuns costs ~35 ms of start-up for five jobs (its
// date-part formatters warming up, then ~3 ms a schedule). Asking node-cron
// for a schedule with more runs than it lists would answer by the start time
// (`0-29 * * * * *` from :40 gives 1 s, the gap is 31 s).
function periodicIntervalMs(schedule: string): number | undefined {
  const plan = periodic(schedule);
  if (!plan) return undefined;
  const { periodSeconds, offsets } = plan;
  let longest = periodSeconds - offsets[offsets.length - 1] + offsets[0];
  for (let i = 1; i < offsets.length; i++) longest = Math.max(longest, offsets[i] - offsets[i - 1]);
  return longest * 1000;
}

/** The longest gap between consecutive runs of a cron expression (irregular schedules included). */
export function scheduleIntervalMs(schedule: string): number {
  const known = periodicIntervalMs(schedule);
  if (known !== undefined) return known;
  const task = nodeCron().createTask(schedule, () => undefined);
  try {
    const runs = task.getNextRuns(25);
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i].getTime() - runs[i - 1].getTime());
    return longest > 0 ? longest : 60_000;
  } finally {
    void task.destroy();
  }
}

/**
 * The first run of `plan` strictly after `afterMs` (epoch ms), as node-cron
 * runs it: at the start of a local second whose place in the period is an
 * offset. Minutes and seconds are read in local time, as node-cron reads
 * its fields: a zone may be off UTC by a part of an hour (Asia/Kathmandu).
 */
export function nextRun(plan: Periodic, afterMs: number): number {
  const second = Math.floor(afterMs / 1000) * 1000;
  const date = new Date(second);
  const at = plan.periodSeconds === 3600 ? date.getMinutes() * 60 + date.getSeconds() : date.getSeconds();
  const position = at % plan.periodSeconds;
  for (const offset of plan.offsets) if (offset > position) return second + (offset - position) * 1000;
  return second + (plan.periodSeconds - position + plan.offsets[0]) * 1000;
}

/** A started schedule. */
export interface Schedule {
  stop(): void | Promise<void>;
}

export interface ScheduleHooks {
  /** A run that threw (the schedule goes on). */
  onError(err: unknown): void;
  /** A run that started more than a second late (the event loop was held); runs missed meanwhile are not made up. */
  onLate(lateMs: number): void;
}

/** Runs `run` at every run of `schedule` until stopped. */
export function startSchedule(schedule: string, name: string, run: () => void, hooks: ScheduleHooks): Schedule {
  const plan = periodic(schedule);
  if (!plan) {
    const task = nodeCron().schedule(schedule, run, { name });
    return { stop: () => task.destroy() };
  }
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let last = Date.now();
  const arm = () => {
    // From the run just made, not from the clock: a timer that fires a millisecond before
    // its second must not be taken for the second before it and run twice. Unless the clock
    // was stepped back past it: then from the clock, or runs would stop until it caught up.
    const now = Date.now();
    const next = nextRun(plan, last - now > 1000 ? now : Math.max(now, last));
    timer = setTimeout(() => {
      if (stopped) return;
      last = next;
      const late = Date.now() - next;
      arm();
      if (late > 1000) hooks.onLate(late);
      try {
        run();
      } catch (err) {
        hooks.onError(err);
      }
    }, next - now);
  };
  arm();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
