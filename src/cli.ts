#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1
// ethtrack: parse and validate flags (exit 2 with one line on any error),
// then run until SIGTERM/SIGINT.
//
// The shebang: MALLOC_ARENA_MAX=1 keeps glibc from giving each of node's
// threads (zlib's thread pool, V8's workers) a malloc arena of its own, which
// held ~15 MB at 74k series (2 arenas: 13 MB less; 1: another ~2 MB); a 1 MB
// young generation keeps the heap small.

import { Ethtrack } from './app';
import { allFlags, loadConfig } from './config';
import { flagHelp, UsageError } from './flags';
import { createLogger, routeLibraryLogs } from './logger';
import { ListenError } from './serving/listen';
import { VERSION } from './version';

async function main(argv: string[]): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ethtrack: error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.showHelp) {
    process.stdout.write(
      `usage: ethtrack [<flags>]\n\nPrometheus exporter for NIC statistics and conntrack.\n\nFlags:\n${flagHelp(allFlags())}\n`,
    );
    return;
  }
  if (config.showVersion) {
    process.stdout.write(`ethtrack, version ${VERSION} (node ${process.version})\n`);
    return;
  }
  const logger = createLogger(config.log.level, config.log.format);
  routeLibraryLogs(logger);
  // A stray rejection (a helper call nobody awaited) is logged; the service keeps serving.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { err: reason instanceof Error ? reason.message : String(reason) });
  });
  let app: Ethtrack;
  try {
    app = new Ethtrack(config, logger);
  } catch (err) {
    logger.error('cannot start', { err: (err as Error).message });
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const forced = setTimeout(() => process.exit(1), 5000);
    forced.unref();
    app.stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error('stop failed', { err: err.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info('starting ethtrack', { version: VERSION });
  try {
    await app.start();
  } catch (err) {
    // A busy or forbidden address is a bad flag value: one line naming the
    // flag (through the logger, so stderr stays one record per line), exit 2.
    const listenFailed = err instanceof ListenError;
    logger.error(listenFailed ? 'invalid flag value' : 'cannot start', { err: (err as Error).message });
    await app.stop().catch(() => undefined);
    process.exit(listenFailed ? 2 : 1);
  }
}

void main(process.argv.slice(2));
