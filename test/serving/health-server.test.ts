// The gRPC health server on loopback, through a real grpc-js client. It
// loads grpc.health.v1's implementation only when the first connection
// arrives: statuses set before then must be what the first probe sees, and
// later changes must still reach Check and Watch.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import winston from 'winston';
import { collectorService, HELPER_SERVICE, HealthServer } from '../../src/serving/health-server';
import { check, healthClient } from '../support/grpc-health';

const logger = winston.createLogger({ silent: true });

describe('gRPC health server', () => {
  it('answers with the statuses set before the first connection, then follows changes', async () => {
    const server = new HealthServer();
    server.set(HELPER_SERVICE, true);
    server.set(collectorService('ethtool'), true);
    await server.listen({ host: '127.0.0.1', port: 0 }, 10, logger, () => undefined);
    const client = healthClient(server.port, true);
    try {
      assert.equal(await check(client, ''), 'NOT_SERVING');
      assert.equal(await check(client, HELPER_SERVICE), 'SERVING');
      assert.equal(await check(client, collectorService('ethtool')), 'SERVING');
      await assert.rejects(check(client, 'no.such.service'), /unknown for service no.such.service/);

      const watch = client.Watch as (req: object) => grpc.ClientReadableStream<{ status: string }>;
      const call = watch.call(client, { service: '' });
      const heard: string[] = [];
      const twice = new Promise<void>((resolve) =>
        call.on('data', (reply: { status: string }) => {
          heard.push(reply.status);
          if (heard.length === 1) server.set('', true);
          if (heard.length === 2) resolve();
        }),
      );
      call.on('error', () => undefined);
      await twice;
      call.cancel();
      assert.deepEqual(heard, ['NOT_SERVING', 'SERVING']);
      assert.equal(await check(client, ''), 'SERVING');
    } finally {
      client.close();
      await server.stop();
    }
  });
});
