// The HTTP listener against clients that ask for a page and never read it,
// and a scrape in progress under TLS. Real sockets on loopback; the runner is
// a stand-in whose one snapshot is a 32 MB page (bigger than loopback's socket
// buffers, so a client that stops reading leaves the answer stuck in the
// sender) or whose compression waits for the test (so a scrape stays in flight).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Runner } from '../../src/collectors/runner';
import { crcOf, deflatePiece } from '../../src/exposition/gzip-splice';
import { SelfMetrics } from '../../src/exposition/self-metrics';
import type { Snapshot as RealSnapshot } from '../../src/exposition/snapshot';
import { createLogger } from '../../src/logger';
import { BasicAuth } from '../../src/serving/basic-auth';
import { boundPort, createApp, type HTTP_TIMEOUTS, listen } from '../../src/serving/http-server';
import type { WebConfig } from '../../src/serving/web-config';

const PAGE = Buffer.alloc(32 * 1024 * 1024, 'x 1\n');
const logger = createLogger('error', 'logfmt');

/** What the HTTP server uses of a snapshot; typed from the real one so a stand-in cannot drift. */
type Snapshot = Pick<RealSnapshot, 'retain' | 'parts' | 'gzip'>;

const bigSnapshot: Snapshot = {
  retain: () => () => undefined,
  parts: () => [PAGE],
  gzip: async () => ({ pieces: [deflatePiece(PAGE)], crc: crcOf([PAGE]) }),
};

function start(
  snapshot: Snapshot,
  options: { maxRequests: number; maxConnections: number; web?: WebConfig; timeouts?: Partial<typeof HTTP_TIMEOUTS> },
): Promise<http.Server | https.Server> {
  const metrics = new SelfMetrics();
  const app = createApp({
    runner: { snapshots: () => [snapshot] } as unknown as Runner,
    metrics,
    logger,
    telemetryPath: '/metrics',
    auth: new BasicAuth(new Map()),
    maxRequests: options.maxRequests,
    beforeScrape: () => undefined,
    notReadyReason: () => undefined,
    statusInfo: () => {
      throw new Error('not used');
    },
  });
  return listen(app, { host: '127.0.0.1', port: 0 }, options.web, logger, {
    maxConnections: options.maxConnections,
    metrics,
    timeouts: options.timeouts,
  });
}

/** Asks for /metrics, takes the first bytes of the answer, then stops reading for good. */
function nonReader(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () =>
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    socket.once('data', (chunk) => {
      socket.pause();
      const status = chunk.toString('latin1').split('\r\n')[0];
      if (status !== 'HTTP/1.1 200 OK') reject(new Error(`a client that will not read was answered ${status}`));
      else resolve(socket);
    });
    socket.on('error', () => undefined);
  });
}

/** An honest scrape on its own connection that reads the whole answer; 0 when the connection failed. */
function scrape(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () =>
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    let head = '';
    socket.on('data', (chunk) => {
      if (head.length < 64) head += chunk.toString('latin1', 0, 64);
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)));
    socket.on('error', () => resolve(0));
  });
}

const stop = (server: http.Server | https.Server) => {
  server.closeAllConnections();
  server.close();
};

describe('clients that never read their answer', () => {
  it('do not hold --web.max-requests slots once their answer is handed over', async () => {
    const server = await start(bigSnapshot, { maxRequests: 2, maxConnections: 128 });
    const port = boundPort(server);
    const stuck: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) stuck.push(await nonReader(port));
      assert.equal(await scrape(port), 200, 'an honest scrape is answered while three clients sit on theirs');
    } finally {
      for (const socket of stuck) socket.destroy();
      stop(server);
    }
  });

  it('are not counted busy, so a full listener closes one of them to admit an honest scrape', async () => {
    const server = await start(bigSnapshot, { maxRequests: 0, maxConnections: 2 });
    const port = boundPort(server);
    const stuck: net.Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) stuck.push(await nonReader(port));
      assert.equal(await scrape(port), 200);
    } finally {
      for (const socket of stuck) socket.destroy();
      stop(server);
    }
  });

  it('are disconnected when their answer is not taken within the write deadline (deadline shortened)', {
    timeout: 30_000,
  }, async () => {
    const server = await start(bigSnapshot, {
      maxRequests: 0,
      maxConnections: 128,
      timeouts: { writeGraceMs: 100, writeMinBytesPerSec: 1e12 },
    });
    const port = boundPort(server);
    const socket = await nonReader(port);
    try {
      const open = () => new Promise<number>((resolve) => server.getConnections((_err, n) => resolve(n)));
      assert.equal(await open(), 1);
      // Bounded by the test's timeout: before the deadline existed the connection stayed forever.
      while ((await open()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      socket.destroy();
      stop(server);
    }
  });
});

describe('a scrape in progress under TLS (compression held by the test)', () => {
  it('is not closed as idle when the listener is full; the newcomer is refused instead', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-tls-'));
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
        ...['-subj', '/CN=localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
      ],
      { stdio: 'ignore' },
    );
    const web: WebConfig = {
      tls: {
        cert: fs.readFileSync(path.join(dir, 'cert.pem')),
        key: fs.readFileSync(path.join(dir, 'key.pem')),
        minVersion: 'TLSv1.2',
      },
      basicAuthUsers: new Map(),
    };
    fs.rmSync(dir, { recursive: true });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const snapshot: Snapshot = {
      retain: () => () => undefined,
      parts: () => [Buffer.from('x 1\n')],
      gzip: async () => {
        arrived();
        await held;
        const line = Buffer.from('x 1\n');
        return { pieces: [deflatePiece(line)], crc: crcOf([line]) };
      },
    };
    const server = await start(snapshot, { maxRequests: 0, maxConnections: 1, web });
    const port = boundPort(server);
    try {
      const scraped = new Promise<number>((resolve) => {
        https
          .get(
            {
              host: '127.0.0.1',
              port,
              path: '/metrics',
              rejectUnauthorized: false,
              agent: false,
              headers: { 'accept-encoding': 'gzip' },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          )
          .on('error', () => resolve(0));
      });
      await inHandler;
      const newcomerClosed = new Promise<void>((resolve) => {
        const newcomer = net.connect({ host: '127.0.0.1', port });
        newcomer.on('error', () => undefined);
        newcomer.on('close', () => resolve());
      });
      await newcomerClosed;
      release();
      assert.equal(await scraped, 200);
    } finally {
      stop(server);
    }
  });
});
