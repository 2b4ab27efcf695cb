// winston, formatted as logfmt (node_exporter's default) or JSON.

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
