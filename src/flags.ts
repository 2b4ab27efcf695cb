// Command-line parsing in node_exporter's (kingpin's) conventions:
// `--name=value`, `--name value`, `--flag` / `--no-flag` for booleans.
// Every value is validated here, before anything starts; a bad one is a
// UsageError whose message names the flag.

import { RE2JS } from 're2js';
import { nodeCron } from './logger';

export class UsageError extends Error {}

/**
 * A regexp flag's value: RE2 syntax, as node_exporter's Go regexps, matched
 * in time linear in the input (re2js, RE2's JavaScript port), so no pattern
 * can stall the event loop. Unanchored, as Go's MatchString.
 */
export class Pattern {
  private readonly re: RE2JS;

  constructor(readonly source: string) {
    this.re = RE2JS.compile(source);
  }

  test(text: string): boolean {
    return this.re.test(text);
  }
}

export type FlagValue = string | number | boolean | Pattern;

export interface FlagSpec {
  name: string;
  help: string;
  kind: 'bool' | 'string' | 'regex' | 'duration' | 'schedule' | 'int' | 'float' | 'address' | 'enum';
  default: FlagValue | undefined;
  choices?: readonly string[];
  min?: number;
  max?: number;
}

export type FlagValues = ReadonlyMap<string, FlagValue | undefined>;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Prometheus-style duration (`500ms`, `5s`, `1m`) to milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * DURATION_UNIT_MS[match[2]];
  return Number.isFinite(ms) ? ms : undefined;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses `[host]:port` (`:10160`, `127.0.0.1:10160`, `[::1]:10160`). */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

function convert(spec: FlagSpec, raw: string): FlagValue {
  const fail = (why: string): never => {
    throw new UsageError(`invalid value ${JSON.stringify(raw)} for flag --${spec.name}: ${why}`);
  };
  switch (spec.kind) {
    case 'bool':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return fail('expected true or false');
    case 'string':
      return raw;
    case 'regex':
      try {
        return new Pattern(raw);
      } catch (err) {
        return fail(`not an RE2 regexp: ${(err as Error).message}`);
      }
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined) return fail('expected a duration such as 500ms, 5s or 1m');
      if (spec.min !== undefined && ms < spec.min) return fail(`must be at least ${spec.min}ms`);
      if (spec.max !== undefined && ms > spec.max) return fail(`must be at most ${spec.max}ms`);
      return ms;
    }
    case 'schedule': {
      if (raw.trim().split(/\s+/).length !== 6) {
        return fail('expected a node-cron expression with six fields (seconds first)');
      }
      // node-cron is asked only about what the fast path cannot read (and so is loaded only then).
      if (!periodic(raw) && !nodeCron().validate(raw)) return fail('not a valid cron expression');
      return raw;
    }
    case 'int':
    case 'float': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) return fail('expected a number');
      if (spec.kind === 'int' && !Number.isInteger(value)) return fail('expected an integer');
      if (spec.min !== undefined && value < spec.min) return fail(`must be at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) return fail(`must be at most ${spec.max}`);
      return value;
    }
    case 'address':
      if (!parseListenAddress(raw)) return fail('expected [host]:port');
      return raw;
    case 'enum':
      if (!spec.choices?.includes(raw)) return fail(`expected one of ${spec.choices?.join(', ')}`);
      return raw;
  }
}

/** Validates the defaults too, so a wrong default is caught by the unit tests. */
function defaultValue(spec: FlagSpec): FlagValue | undefined {
  const value = spec.default;
  if (typeof value === 'string' && spec.kind !== 'string') return convert(spec, value);
  return value;
}

export function parseFlags(specs: readonly FlagSpec[], argv: readonly string[]): Map<string, FlagValue | undefined> {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const values = new Map<string, FlagValue | undefined>();
  for (const spec of specs) values.set(spec.name, defaultValue(spec));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    let spec = byName.get(name);
    if (spec === undefined && name.startsWith('no-')) {
      const positive = byName.get(name.slice(3));
      if (positive?.kind === 'bool') {
        if (eq !== -1) throw new UsageError(`flag --${name} takes no value`);
        values.set(positive.name, false);
        continue;
      }
    }
    if (spec === undefined) throw new UsageError(`unknown flag --${name}`);
    if (spec.kind === 'bool' && eq === -1) {
      values.set(spec.name, true);
      continue;
    }
    let raw: string;
    if (eq !== -1) {
      raw = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`flag --${name} needs a value`);
      raw = argv[++i];
    }
    spec = spec as FlagSpec;
    values.set(spec.name, convert(spec, raw));
  }
  return values;
}

export function flagHelp(specs: readonly FlagSpec[]): string {
  const lines = specs.map((spec) => {
    const name = spec.kind === 'bool' ? `--[no-]${spec.name}` : `--${spec.name}=<${spec.kind}>`;
    const def = spec.default instanceof Pattern ? spec.default.source : spec.default;
    const suffix = def === undefined || def === '' ? '' : ` (default: ${String(def)})`;
    return `  ${name.padEnd(48)} ${spec.help}${suffix}`;
  });
  return lines.join('\n');
}

export function getString(values: FlagValues, name: string): string {
  const value = values.get(name);
  if (typeof value !== 'string') throw new Error(`flag --${name} is not a string`);
  return value;
}

export function getOptionalString(values: FlagValues, name: string): string | undefined {
  const value = values.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function getNumber(values: FlagValues, name: string): number {
  const value = values.get(name);
  if (typeof value !== 'number') throw new Error(`flag --${name} is not a number`);
  return value;
}

export function getBool(values: FlagValues, name: string): boolean {
  return values.get(name) === true;
}

export function getRegex(values: FlagValues, name: string): Pattern | undefined {
  const value = values.get(name);
  return value instanceof Pattern ? value : undefined;
}

// Schedules: node-cron expressions, six fields with seconds first. One that
// repeats within an hour is read here (and timed by collectors/schedule.ts).

/** Seconds, minutes, hours: the fields a schedule's fast path reads, with their ranges. */
const FIELD_RANGES: readonly [number, number][] = [
  [0, 59],
  [0, 59],
  [0, 23],
];
/** Seconds in one cycle of a schedule whose fields from this one on are all `*`. */
const PERIODS = [1, 60, 3600];

// The values of one plain numeric field (`*`, `5`, `1-9`, `*/15`, `0-30/10`, lists of these); undefined otherwise.
function fieldValues(field: string, [low, high]: [number, number]): number[] | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return undefined;
    const from = match[1] === '*' ? low : Number(match[2]);
    const to = match[1] === '*' ? high : match[3] !== undefined ? Number(match[3]) : match[4] ? undefined : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (to === undefined || from < low || to > high || from > to || step < 1) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values];
}

/** A schedule that repeats every second, minute or hour: its period and the runs' offsets into it, in seconds. */
export interface Periodic {
  periodSeconds: number;
  offsets: number[];
}

/** The period and offsets of a schedule whose fields from the hours on are `*`; undefined for any other. */
export function periodic(schedule: string): Periodic | undefined {
  // Spaces only: node-cron takes no tab between fields.
  const fields = schedule.trim().split(/ +/);
  if (fields.length !== 6) return undefined;
  let repeatsAt = fields.length;
  while (repeatsAt > 0 && fields[repeatsAt - 1] === '*') repeatsAt--;
  if (repeatsAt === 0) return { periodSeconds: 1, offsets: [0] };
  if (repeatsAt > 2) return undefined;
  let offsets = [0];
  for (let i = 0; i < repeatsAt; i++) {
    const values = fieldValues(fields[i], FIELD_RANGES[i]);
    if (!values) return undefined;
    offsets = offsets.flatMap((offset) => values.map((v) => offset + v * PERIODS[i]));
  }
  offsets.sort((a, b) => a - b);
  return { periodSeconds: PERIODS[repeatsAt], offsets };
}
