// winston, formatted as logfmt (node_exporter's default) or JSON. The
// libraries that would print on their own (grpc-js, node-cron) are routed
// here too, with a `component` field, so every line on stderr is one record.

import { format } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import winston from 'winston';

export type Logger = winston.Logger;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LOG_FORMATS = ['logfmt', 'json'] as const;

function logfmtValue(value: unknown): string {
  const text = value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
  if (text !== undefined && /^[^\s"=\\]+$/.test(text)) return text;
  return JSON.stringify(text ?? '');
}

const logfmt = winston.format.printf((info) => {
  const { level, message, timestamp, ...fields } = info;
  let line = `ts=${timestamp} level=${level} msg=${logfmtValue(message)}`;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof key === 'string' && value !== undefined) line += ` ${key}=${logfmtValue(value)}`;
  }
  return line;
});

export function createLogger(level: string, format: string): Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), format === 'json' ? winston.format.json() : logfmt),
    // Logs go to stderr, like node_exporter's.
    transports: [new winston.transports.Console({ stderrLevels: [...LOG_LEVELS] })],
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what it removes.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const clean = (args: unknown[]): string =>
  format(...args)
    .replace(ANSI, '')
    .trim();

type NodeCron = typeof import('node-cron').default;
let cron: NodeCron | undefined;
let cronLog: Logger | undefined;

/** Sends grpc-js's and node-cron's own messages through the logger. */
export function routeLibraryLogs(logger: Logger): void {
  const grpcLog = logger.child({ component: 'grpc-js' });
  grpc.setLogger({
    error: (...args: unknown[]) => grpcLog.error(clean(args)),
    info: (...args: unknown[]) => grpcLog.info(clean(args)),
    debug: (...args: unknown[]) => grpcLog.debug(clean(args)),
  });
  grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
  cronLog = logger.child({ component: 'node-cron' });
  if (cron) routeCronLogs(cron, cronLog);
}

function routeCronLogs(module: NodeCron, log: Logger): void {
  const withError = (level: 'error' | 'debug') => (message: string | Error, err?: Error) =>
    log.log(level, clean([message instanceof Error ? message.message : message]), err ? { err: err.message } : {});
  module.setLogger({
    info: (message: string) => log.info(clean([message])),
    warn: (message: string) => log.warn(clean([message])),
    error: withError('error'),
    debug: withError('debug'),
  });
}

/**
 * node-cron, loaded on first use: the schedules ethtrack ships are read and
 * run without it (collectors/schedule.ts), and loading it took ~14 ms of
 * every start. Its messages go through the logger from whenever both exist.
 */
export function nodeCron(): NodeCron {
  if (!cron) {
    const loaded = require('node-cron') as NodeCron & { default?: NodeCron };
    cron = loaded.default ?? loaded;
    if (cronLog) routeCronLogs(cron, cronLog);
  }
  return cron;
}
