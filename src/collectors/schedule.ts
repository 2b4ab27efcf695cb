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

// The interval is the longest gap between runs. Read off the fields, it is
// the one node-cron's getNextRuns(25) gives whenever a period holds at most
// 24 runs (25 runs then see every gap); anything else asks node-cron, whose
// getNextRuns costs ~35 ms of start-up for five jobs (its date-part
// formatters warming up, then ~3 ms a schedule).
function periodicIntervalMs(schedule: string): number | undefined {
  const plan = periodic(schedule);
  if (!plan) return undefined;
  const { periodSeconds, offsets } = plan;
  if (offsets.length > 24) return undefined;
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

/** Runs `run` at every run of `schedule` until stopped. */
export function startSchedule(schedule: string, name: string, run: () => void): Schedule {
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
    // its second must not be taken for the second before it and run twice.
    const next = nextRun(plan, Math.max(Date.now(), last));
    timer = setTimeout(() => {
      if (stopped) return;
      last = next;
      arm();
      run();
    }, next - Date.now());
  };
  arm();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
