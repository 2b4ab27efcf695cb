// express: the metrics endpoint, the status page, /healthz and /readyz,
// optionally behind TLS and basic auth (--web.config.file).

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Runner } from '../collectors/runner';
import type { SelfMetrics } from '../exposition/self-metrics';
import { GZIP_OPTIONS } from '../exposition/snapshot';
import type { ListenAddress } from '../flags';
import type { Logger } from '../logger';
import { statusPage } from './status-page';
import { BasicAuth, type WebConfig } from './web-config';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const OPENMETRICS_EOF = Buffer.from('# EOF\n');
const OPENMETRICS_EOF_GZIP = zlib.gzipSync(OPENMETRICS_EOF);

export interface HttpDeps {
  runner: Runner;
  metrics: SelfMetrics;
  logger: Logger;
  telemetryPath: string;
  web: WebConfig | undefined;
  /** Called before each scrape renders, to refresh gauges read from other parts. */
  beforeScrape: () => void;
  /** Why the service is not ready, or undefined when it is. */
  notReadyReason: () => string | undefined;
  statusInfo: () => Parameters<typeof statusPage>[0];
}

export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept?.includes('application/openmetrics-text') ?? false;
}

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return (
    acceptEncoding !== undefined &&
    /\bgzip\b/.test(acceptEncoding) &&
    !/\bgzip\s*;\s*q=0(?:\.0{0,3})?\s*(?:,|$)/.test(acceptEncoding)
  );
}

export function createApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const auth = new BasicAuth(deps.web?.basicAuthUsers ?? new Map());
  if (auth.enabled) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      auth.check(req.headers.authorization).then(
        (ok) => {
          if (ok) return next();
          res.setHeader('WWW-Authenticate', 'Basic realm="ethtrack"');
          res.status(401).type('text/plain').send('Unauthorized\n');
        },
        (err: unknown) => next(err),
      );
    });
  }

  app.get(deps.telemetryPath, async (req: Request, res: Response) => {
    const openMetrics = wantsOpenMetrics(req.headers.accept);
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    deps.beforeScrape();
    const snapshots = deps.runner.snapshots();
    // The snapshots' buffers stay untouched until this response is done with them.
    for (const snapshot of snapshots) snapshot.retain();
    res.once('close', () => {
      for (const snapshot of snapshots) snapshot.release();
    });
    const self = Buffer.from(await deps.metrics.render(openMetrics));
    const parts: Buffer[] = [gzip ? zlib.gzipSync(self, GZIP_OPTIONS) : self];
    for (const snapshot of snapshots) {
      if (gzip) parts.push(...(await snapshot.gzip(openMetrics)));
      else parts.push(...snapshot.parts(openMetrics));
    }
    if (openMetrics) parts.push(gzip ? OPENMETRICS_EOF_GZIP : OPENMETRICS_EOF);
    res.setHeader('Content-Type', openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE);
    res.setHeader('Vary', 'Accept, Accept-Encoding');
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader(
      'Content-Length',
      parts.reduce((sum, part) => sum + part.length, 0),
    );
    for (const part of parts) res.write(part);
    res.end();
  });

  app.get('/healthz', (_req: Request, res: Response) => {
    res.type('text/plain').send('ok\n');
  });

  app.get('/readyz', (_req: Request, res: Response) => {
    const reason = deps.notReadyReason();
    if (reason === undefined) res.type('text/plain').send('ready\n');
    else res.status(503).type('text/plain').send(`not ready: ${reason}\n`);
  });

  app.get('/', (_req: Request, res: Response) => {
    res.type('html').send(statusPage(deps.statusInfo()));
  });

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error('request failed', { err: err.message });
    if (!res.headersSent) res.status(500).type('text/plain').send('internal error\n');
  });
  return app;
}

export async function listen(
  app: express.Express,
  address: ListenAddress,
  web: WebConfig | undefined,
  logger: Logger,
): Promise<http.Server | https.Server> {
  const server = web?.tls
    ? https.createServer(
        { cert: web.tls.cert, key: web.tls.key, minVersion: web.tls.minVersion, maxVersion: web.tls.maxVersion },
        app,
      )
    : http.createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host === '' ? undefined : address.host, () => {
      server.off('error', reject);
      // An accept() failure (EMFILE) is logged, never an uncaught exception.
      server.on('error', (err) => logger.error('HTTP server error', { err: err.message }));
      resolve();
    });
  });
  return server;
}

export function boundPort(server: http.Server | https.Server): number {
  return (server.address() as AddressInfo).port;
}
