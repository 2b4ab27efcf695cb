// Schedules that repeat within an hour are timed by the runner itself
// (schedule.ts says why); node-cron is the oracle for when they run.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import cron from 'node-cron';
import { scheduleIntervalMs, startSchedule } from '../../src/collectors/schedule';
import { periodic } from '../../src/flags';

const SCHEDULES = [
  '* * * * * *',
  '*/15 * * * * *',
  '0 * * * * *',
  '7 * * * * *',
  '0,1 * * * * *',
  '*/7 * * * * *',
  '10-40/10,59 * * * * *',
  '0 */5 * * * *',
  '30 0,20-30/5 * * * *',
  '0 0 * * * *',
  '* 5 * * * *',
  '*/20 */7 * * * *',
];

/** Schedules node-cron runs itself. */
const IRREGULAR = ['0 0 */6 * * *', '0 0 0 * * 1', '0 30 9 * * 1-5', '0 0 12 1 * *'];

/** Runs of each schedule by nextRun and by node-cron, in a process of its own in zone `tz` (node-cron keeps its formatters, zone included). */
function runsIn(tz: string): { schedule: string; ours: number[]; cron: number[]; afterFirst: number }[] {
  const code = `
    const cron = require(${JSON.stringify(require.resolve('node-cron'))});
    const { nextRun } = require(${JSON.stringify(require.resolve('../../src/collectors/schedule'))});
    const { periodic } = require(${JSON.stringify(require.resolve('../../src/flags'))});
    const out = ${JSON.stringify(SCHEDULES)}.map((schedule) => {
      const plan = periodic(schedule);
      const task = cron.createTask(schedule, () => undefined);
      const runs = task.getNextRuns(30).map((run) => run.getTime());
      void task.destroy();
      const ours = [];
      let at = runs[0] - 1;
      for (let i = 0; i < runs.length; i++) ours.push((at = nextRun(plan, at)));
      return { schedule, ours, cron: runs, afterFirst: nextRun(plan, runs[0]) };
    });
    process.stdout.write(JSON.stringify(out));`;
  const child = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

describe('schedules timed by the runner', () => {
  for (const tz of ['UTC', 'Asia/Kathmandu', 'America/St_Johns']) {
    it(`run when node-cron runs them (${tz})`, () => {
      for (const { schedule, ours, cron, afterFirst } of runsIn(tz)) {
        const iso = (runs: number[]) => runs.map((run) => new Date(run).toISOString());
        assert.deepEqual(iso(ours), iso(cron), `${schedule} in ${tz}`);
        // Strictly after: from a run itself, the next one.
        assert.equal(afterFirst, cron[1], schedule);
      }
    });
  }

  it('leaves to node-cron what does not repeat within an hour', () => {
    for (const schedule of IRREGULAR) assert.equal(periodic(schedule), undefined, schedule);
  });

  it('leaves to node-cron an expression with a tab between fields (node-cron rejects it)', () => {
    assert.equal(periodic('*/15\t* * * * *'), undefined);
    assert.equal(cron.validate('*/15\t* * * * *'), false);
  });

  it('runs a job each second until stopped, never twice in one second', async () => {
    const runs: number[] = [];
    const noHooks = { onError: assert.fail, onLate: () => undefined };
    const schedule = startSchedule('* * * * * *', 'test', () => runs.push(Date.now()), noHooks);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await schedule.stop();
    const count = runs.length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(runs.length, count, 'no run after stop');
    assert.ok(count >= 2, `${count} runs in 3.5 s`);
    const seconds = runs.map((run) => Math.round(run / 1000));
    assert.equal(new Set(seconds).size, seconds.length, `one run per second: ${runs.join(', ')}`);
  });

  it('goes on after a run that throws, and says when a run starts late (a held event loop)', async () => {
    const errors: unknown[] = [];
    const late: number[] = [];
    let runs = 0;
    const schedule = startSchedule(
      '* * * * * *',
      'test',
      () => {
        runs++;
        if (runs === 1) {
          // Holds the event loop past the next second, then throws.
          const until = Date.now() + 2100;
          while (Date.now() < until);
          throw new Error('first run fails');
        }
      },
      { onError: (err) => errors.push(err), onLate: (ms) => late.push(ms) },
    );
    await new Promise((resolve) => setTimeout(resolve, 4500));
    await schedule.stop();
    assert.equal((errors[0] as Error)?.message, 'first run fails');
    assert.ok(runs >= 2, `${runs} runs: the schedule went on`);
    assert.ok(late.length >= 1 && late[0] > 1000, `late: ${late.join(', ')}`);
  });
});

describe('schedule intervals', () => {
  it('reads the interval of a six-field cron schedule', () => {
    assert.equal(scheduleIntervalMs('*/15 * * * * *'), 15_000);
    assert.equal(scheduleIntervalMs('0 * * * * *'), 60_000);
  });

  it('reads the longest gap of a schedule with more runs than node-cron lists, whenever asked', () => {
    assert.equal(scheduleIntervalMs('0-29 * * * * *'), 31_000);
    assert.equal(scheduleIntervalMs('0 0-29 * * * *'), 31 * 60_000);
  });

  it("reads intervals off the fields exactly as node-cron's runs over two periods give them", () => {
    const longestGap = (schedule: string) => {
      // Two periods' runs see every gap, the one across the period's end included.
      const count = 2 * (periodic(schedule)?.offsets.length ?? 12) + 1;
      const task = cron.createTask(schedule, () => undefined);
      const runs = task.getNextRuns(count);
      void task.destroy();
      return Math.max(...runs.slice(1).map((run, i) => run.getTime() - runs[i].getTime()));
    };
    for (const schedule of [...SCHEDULES, '*/2 * * * * *', ...IRREGULAR]) {
      assert.equal(scheduleIntervalMs(schedule), longestGap(schedule), schedule);
    }
  });
});
