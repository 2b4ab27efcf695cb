// What a process costs, read from /proc for the benchmarks: CPU time from
// /proc/<pid>/stat (user + system, in clock ticks) and memory from
// /proc/<pid>/smaps_rollup (resident, and of it anonymous: heap, stacks,
// malloc arenas, the part that is the process's own and not shared code).

import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux architecture in use). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used so far; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 (utime) and 15 (stime) of proc(5); the slice starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export interface Memory {
  /** Resident bytes. */
  rss: number;
  /** Resident anonymous bytes (the rollup's Anonymous). */
  anon: number;
}

export function memoryOf(pid: number): Memory {
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    return { rss: kb('Rss'), anon: kb('Anonymous') };
  } catch {
    return { rss: 0, anon: 0 };
  }
}

/** The larger of two readings, field by field (peaks over a run). */
export function peakMemory(a: Memory, b: Memory): Memory {
  return { rss: Math.max(a.rss, b.rss), anon: Math.max(a.anon, b.anon) };
}

export function commOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
