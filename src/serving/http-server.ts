// express: the metrics endpoint, the status page, /healthz and /readyz,
// optionally behind TLS and basic auth (--web.config.file).

import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import './express-lazy-deps';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Runner } from '../collectors/runner';
import { combine, crcOf, deflatePiece, gzipFrame } from '../exposition/gzip-splice';
import type { SelfMetrics } from '../exposition/self-metrics';
import type { ListenAddress } from '../flags';
import type { Logger } from '../logger';
import type { BasicAuth } from './basic-auth';
import { ConnectionGuard } from './connection-guard';
import { listenOn } from './listen';
import { acceptsGzip, wantsOpenMetrics } from './negotiation';
import { statusPage } from './status-page';
import type { WebConfig } from './web-config';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const OPENMETRICS_EOF = Buffer.from('# EOF\n');
const OPENMETRICS_EOF_PIECE = deflatePiece(OPENMETRICS_EOF);
const OPENMETRICS_EOF_CRC = crcOf([OPENMETRICS_EOF]);

export interface HttpDeps {
  runner: Runner;
  metrics: SelfMetrics;
  logger: Logger;
  telemetryPath: string;
  auth: BasicAuth;
  /** --web.max-requests: concurrent scrapes beyond it are answered 503 at once; 0 is no limit. */
  maxRequests: number;
  /** Called before each scrape renders, to refresh gauges read from other parts. */
  beforeScrape: () => void;
  /** Why the service is not ready, or undefined when it is. */
  notReadyReason: () => string | undefined;
  statusInfo: () => Parameters<typeof statusPage>[0];
}

export { acceptsGzip, wantsOpenMetrics };

export function createApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const { auth, metrics } = deps;
  const refuse = (reason: string) => metrics.refused.inc({ listener: 'http', reason });

  // Probes answer without credentials, with the status word only; details
  // go to a caller whose credentials check out (Kubernetes httpGet probes
  // cannot send any).
  const probeDetails = async (req: Request): Promise<boolean> =>
    !auth.enabled ||
    (req.headers.authorization !== undefined && (await auth.check(req.headers.authorization)) === 'ok');

  app.get('/healthz', (_req: Request, res: Response) => {
    res.type('text/plain').send('ok\n');
  });

  app.get('/readyz', async (req: Request, res: Response) => {
    const reason = deps.notReadyReason();
    if (reason === undefined) {
      res.type('text/plain').send('ready\n');
      return;
    }
    const details = await probeDetails(req);
    res
      .status(503)
      .type('text/plain')
      .send(details ? `not ready: ${reason}\n` : 'not ready\n');
  });

  if (auth.enabled) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      auth.check(req.headers.authorization).then(
        (result) => {
          if (result === 'ok') return next();
          if (result === 'busy') {
            refuse('auth_busy');
            res.setHeader('Retry-After', '1');
            res.status(429).type('text/plain').send('Too many authentication attempts in flight\n');
            return;
          }
          res.setHeader('WWW-Authenticate', 'Basic realm="ethtrack"');
          res.status(401).type('text/plain').send('Unauthorized\n');
        },
        (err: unknown) => next(err),
      );
    });
  }

  let scrapes = 0;
  app.get(deps.telemetryPath, async (req: Request, res: Response) => {
    if (deps.maxRequests > 0 && scrapes >= deps.maxRequests) {
      refuse('max_requests');
      res.status(503).type('text/plain').send('Too many concurrent scrapes (--web.max-requests)\n');
      return;
    }
    scrapes++;
    // A scrape counts until its answer is handed to the socket, not until the
    // client has read it: a client that never reads must not hold a slot.
    let counted = true;
    const uncount = () => {
      if (counted) scrapes--;
      counted = false;
    };
    res.once('close', uncount);
    const openMetrics = wantsOpenMetrics(req.headers.accept);
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    deps.beforeScrape();
    const snapshots = deps.runner.snapshots();
    // The snapshots' buffers stay untouched until this response is done with them.
    const held = snapshots.map((snapshot) => snapshot.retain());
    res.once('close', () => {
      for (const letGo of held) letGo();
    });
    const self = Buffer.from(await deps.metrics.render(openMetrics));
    let parts: Buffer[];
    if (gzip) {
      // One gzip member: the snapshots' pieces are compressed once per cycle, only the self-metrics per scrape.
      const pieces = [deflatePiece(self)];
      let crc = crcOf([self]);
      for (const snapshot of snapshots) {
        const zipped = await snapshot.gzip(openMetrics);
        pieces.push(...zipped.pieces);
        crc = combine(crc, zipped.crc);
      }
      if (openMetrics) {
        pieces.push(OPENMETRICS_EOF_PIECE);
        crc = combine(crc, OPENMETRICS_EOF_CRC);
      }
      parts = gzipFrame(pieces, crc);
    } else {
      parts = [self];
      for (const snapshot of snapshots) parts.push(...snapshot.parts(openMetrics));
      if (openMetrics) parts.push(OPENMETRICS_EOF);
    }
    res.setHeader('Content-Type', openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE);
    res.setHeader('Vary', 'Accept, Accept-Encoding');
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader(
      'Content-Length',
      parts.reduce((sum, part) => sum + part.length, 0),
    );
    for (const part of parts) res.write(part);
    res.end();
    uncount();
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

/**
 * Timeouts against slow and idle clients. Prometheus scrapes at most once a
 * minute on a kept-alive connection, so keep-alive outlasts that; a request
 * is a GET whose headers fit in a packet, so ten seconds for the headers and
 * thirty for the whole request are generous to any honest client. An answer
 * handed to the socket must be taken by the client within a minute plus its
 * size at 16 KiB/s (128 kbit/s; a 2 MB page: about three minutes): Prometheus
 * gives up on a scrape after its scrape_timeout (at most the scrape interval)
 * anyway, and a link slower than that is no link to scrape over; a client
 * that stops reading is disconnected then instead of never.
 */
export const HTTP_TIMEOUTS = {
  keepAliveMs: 65_000,
  headersMs: 10_000,
  requestMs: 30_000,
  handshakeMs: 10_000,
  checkEveryMs: 5_000,
  writeGraceMs: 60_000,
  writeMinBytesPerSec: 16 * 1024,
};

export interface ListenOptions {
  maxConnections: number;
  metrics: SelfMetrics;
  /** Tests shorten these. */
  timeouts?: Partial<typeof HTTP_TIMEOUTS>;
}

export async function listen(
  app: express.Express,
  address: ListenAddress,
  web: WebConfig | undefined,
  logger: Logger,
  options: ListenOptions,
): Promise<http.Server | https.Server> {
  const timeouts = { ...HTTP_TIMEOUTS, ...options.timeouts };
  const serverOptions = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
  };
  const server = web?.tls
    ? https.createServer(
        {
          ...serverOptions,
          cert: web.tls.cert,
          key: web.tls.key,
          minVersion: web.tls.minVersion,
          maxVersion: web.tls.maxVersion,
          handshakeTimeout: timeouts.handshakeMs,
        },
        app,
      )
    : http.createServer(serverOptions, app);
  const guard = new ConnectionGuard('http', 'web.max-connections', options.maxConnections, logger, (reason) =>
    options.metrics.refused.inc({ listener: 'http', reason }),
  );
  // Raw TCP sockets are what count; under TLS a request's socket wraps one.
  server.on('connection', (socket: net.Socket) => guard.admit(socket));
  // Before express's own listener, so the mark is set before any answer can finish.
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    // A server-side TLSSocket keeps the TCP socket it wraps in _parent (Node 20;
    // _parentWrap in some other versions).
    const socket = req.socket as net.Socket & { _parent?: net.Socket; _parentWrap?: net.Socket };
    const raw = socket._parent ?? socket._parentWrap ?? socket;
    guard.begin(raw);
    // The connection is busy until the answer is handed to the socket (end()
    // called), not until the client has read it: one that never reads is as
    // good as idle, and may be closed to admit a new client. From then on the
    // client has a bounded time to take the answer (HTTP_TIMEOUTS); neither
    // requestTimeout (receiving only) nor the keep-alive timer (after the
    // answer is sent) covers it. end() is wrapped because 'prefinish' and
    // 'finish' wait for the socket, which a client that never reads keeps full.
    let deadline: NodeJS.Timeout | undefined;
    let busy = true;
    const done = () => {
      if (busy) guard.end(raw);
      busy = false;
    };
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.end = ((...args: unknown[]) => {
      const returned = end(...args);
      if (busy) {
        done();
        const size = Number(res.getHeader('content-length')) || socket.writableLength;
        deadline = setTimeout(
          () => {
            socket.destroy();
            raw.destroy();
          },
          timeouts.writeGraceMs + (size * 1000) / timeouts.writeMinBytesPerSec,
        );
        deadline.unref();
      }
      return returned;
    }) as typeof res.end;
    res.once('finish', () => clearTimeout(deadline));
    res.once('close', () => {
      done();
      clearTimeout(deadline);
    });
  });
  await listenOn(server, address, 'web.listen-address');
  // An accept() failure (EMFILE) is logged, never an uncaught exception.
  server.on('error', (err) => logger.error('HTTP server error', { err: err.message }));
  server.once('close', () => guard.destroyAll());
  return server;
}

export function boundPort(server: http.Server | https.Server): number {
  return (server.address() as AddressInfo).port;
}
