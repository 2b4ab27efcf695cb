// The service's own flags (SPEC "Command line") plus every collector's, and
// the validated configuration built from them. Nothing starts before this
// has succeeded.

import fs from 'node:fs';
import { COLLECTORS } from './collectors';
import type { CollectorDefinition } from './collectors/collector';
import { collectorFlags, DISABLE_DEFAULTS } from './collectors/registry';
import {
  type FlagSpec,
  type FlagValues,
  getBool,
  getNumber,
  getOptionalString,
  getString,
  type ListenAddress,
  parseFlags,
  parseListenAddress,
  UsageError,
} from './flags';
import { LOG_FORMATS, LOG_LEVELS } from './logger';
import { PATHS } from './paths';
import { loadWebConfig, type WebConfig } from './serving/web-config';

export const DEFAULT_HELPER_PATH = PATHS.helper;

export const SERVICE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'web.listen-address',
    kind: 'address',
    default: ':10160',
    help: 'Address to serve /metrics and the status page on.',
  },
  { name: 'web.telemetry-path', kind: 'string', default: '/metrics', help: 'Path under which to expose metrics.' },
  { name: 'web.config.file', kind: 'string', default: '', help: 'Exporter-toolkit web config file (TLS, basic auth).' },
  {
    name: 'web.max-requests',
    kind: 'int',
    default: 40,
    min: 0,
    help: 'Most scrapes answered at once; more are answered 503 at once. 0 means no limit.',
  },
  {
    name: 'web.max-connections',
    kind: 'int',
    default: 128,
    min: 1,
    max: 65_536,
    help: 'Most open HTTP connections; when full, the longest idle one is closed to admit a new one.',
  },
  {
    name: 'grpc.max-connections',
    kind: 'int',
    default: 128,
    min: 1,
    max: 65_536,
    help: 'Most open gRPC health connections; when full, the longest idle one is closed to admit a new one.',
  },
  { name: 'grpc.listen-address', kind: 'address', default: ':10161', help: 'Address of the grpc.health.v1 server.' },
  { name: 'path.procfs', kind: 'string', default: '/proc', help: 'procfs mountpoint.' },
  { name: 'path.sysfs', kind: 'string', default: '/sys', help: 'sysfs mountpoint.' },
  { name: 'gc.interval', kind: 'duration', default: '15s', min: 1000, help: 'Interval of the conntrack GC loop.' },
  {
    name: 'gc.prune',
    kind: 'enum',
    default: 'off',
    choices: ['off', 'dry-run', 'on'],
    help: 'Kernel conntrack pruning.',
  },
  {
    name: 'gc.prune.threshold',
    kind: 'float',
    default: 0.9,
    min: 0,
    max: 1,
    help: 'Prune only when entries/limit is at least this.',
  },
  {
    name: 'gc.prune.max-per-cycle',
    kind: 'int',
    default: 1000,
    min: 1,
    max: 100_000,
    help: 'Most entries pruned per cycle.',
  },
  {
    name: 'helper.path',
    kind: 'string',
    default: DEFAULT_HELPER_PATH,
    help: 'The ethtrack-helper binary (spawn mode).',
  },
  {
    name: 'helper.socket',
    kind: 'string',
    default: '',
    help: 'unix:// address of the helper socket (default: a private runtime directory).',
  },
  {
    name: 'helper.spawn',
    kind: 'bool',
    default: true,
    help: 'Start the helper as a child (otherwise connect to --helper.socket).',
  },
  {
    name: 'helper.timeout',
    kind: 'duration',
    default: '2s',
    min: 10,
    max: 60_000,
    help: 'Deadline of each helper call.',
  },
  {
    name: 'log.level',
    kind: 'enum',
    default: 'info',
    choices: LOG_LEVELS,
    help: 'Only log messages with the given severity or above.',
  },
  { name: 'log.format', kind: 'enum', default: 'logfmt', choices: LOG_FORMATS, help: 'Output format of log messages.' },
  { name: 'version', kind: 'bool', default: false, help: 'Show the version and exit.' },
  { name: 'help', kind: 'bool', default: false, help: 'Show this help and exit.' },
];

export function allFlags(collectors: readonly CollectorDefinition[] = COLLECTORS, disableDefaults = false): FlagSpec[] {
  return [...SERVICE_FLAGS, ...collectorFlags(collectors, disableDefaults)];
}

/**
 * `--collector.disable-defaults` changes the other flags' defaults, so it is
 * read first and the command line parsed again with every collector off
 * unless named: `--collector.ethtool` then wins, wherever it stands.
 */
function parseAll(collectors: readonly CollectorDefinition[], argv: readonly string[]): FlagValues {
  const flags = parseFlags(allFlags(collectors), argv);
  return getBool(flags, DISABLE_DEFAULTS) ? parseFlags(allFlags(collectors, true), argv) : flags;
}

export interface Config {
  flags: FlagValues;
  listen: ListenAddress;
  telemetryPath: string;
  web: WebConfig | undefined;
  grpcListen: ListenAddress;
  limits: { maxRequests: number; maxHttpConnections: number; maxGrpcConnections: number };
  helper: { spawn: boolean; path: string; socket: string | undefined; timeoutMs: number };
  gc: { intervalMs: number; prune: 'off' | 'dry-run' | 'on'; threshold: number; maxPerCycle: number };
  log: { level: string; format: string };
  showVersion: boolean;
  showHelp: boolean;
}

export function loadConfig(argv: readonly string[], collectors: readonly CollectorDefinition[] = COLLECTORS): Config {
  const flags = parseAll(collectors, argv);
  const telemetryPath = getString(flags, 'web.telemetry-path');
  if (!telemetryPath.startsWith('/') || telemetryPath === '/') {
    throw new UsageError(
      `invalid value ${JSON.stringify(telemetryPath)} for flag --web.telemetry-path: must start with / and not be /`,
    );
  }
  const spawn = getBool(flags, 'helper.spawn');
  const socket = getOptionalString(flags, 'helper.socket');
  if (socket !== undefined && !/^unix:\/\/\/.+/.test(socket)) {
    throw new UsageError(
      `invalid value ${JSON.stringify(socket)} for flag --helper.socket: expected unix:///absolute/path`,
    );
  }
  if (!spawn && socket === undefined) {
    throw new UsageError('flag --helper.socket is required with --no-helper.spawn');
  }
  const helperPath = getString(flags, 'helper.path');
  const showVersion = getBool(flags, 'version');
  const showHelp = getBool(flags, 'help');
  if (spawn && !showVersion && !showHelp) {
    try {
      fs.accessSync(helperPath, fs.constants.X_OK);
    } catch {
      throw new UsageError(
        `invalid value ${JSON.stringify(helperPath)} for flag --helper.path: not an executable file (run npm run build)`,
      );
    }
  }
  for (const mount of ['path.procfs', 'path.sysfs']) {
    const dir = getString(flags, mount);
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`invalid value ${JSON.stringify(dir)} for flag --${mount}: not a directory`);
    }
  }
  const webConfigFile = getOptionalString(flags, 'web.config.file');
  return {
    flags,
    listen: parseListenAddress(getString(flags, 'web.listen-address')) as ListenAddress,
    telemetryPath,
    web: webConfigFile === undefined ? undefined : loadWebConfig(webConfigFile),
    grpcListen: parseListenAddress(getString(flags, 'grpc.listen-address')) as ListenAddress,
    limits: {
      maxRequests: getNumber(flags, 'web.max-requests'),
      maxHttpConnections: getNumber(flags, 'web.max-connections'),
      maxGrpcConnections: getNumber(flags, 'grpc.max-connections'),
    },
    helper: { spawn, path: helperPath, socket, timeoutMs: getNumber(flags, 'helper.timeout') },
    gc: {
      intervalMs: getNumber(flags, 'gc.interval'),
      prune: getString(flags, 'gc.prune') as 'off' | 'dry-run' | 'on',
      threshold: getNumber(flags, 'gc.prune.threshold'),
      maxPerCycle: getNumber(flags, 'gc.prune.max-per-cycle'),
    },
    log: { level: getString(flags, 'log.level'), format: getString(flags, 'log.format') },
    showVersion,
    showHelp,
  };
}
