// BasicAuth with its real bcrypt worker threads: whether an attempt is turned
// away busy must not depend on whether its user exists, and a worker that dies
// mid-compare must neither leave the attempt hanging nor keep its slot.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import winston from 'winston';
import type { Logger } from '../../src/logger';
import { BasicAuth, ComparePool } from '../../src/serving/basic-auth';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Attempts sent in the same tick, one more than twice the slots; answers counted. */
async function burst(auth: BasicAuth, user: string): Promise<Record<string, number>> {
  const count = auth.maxInFlight * 2 + 1;
  const results = await Promise.all(Array.from({ length: count }, (_, i) => auth.check(basic(user, `wrong${i}`))));
  const tally: Record<string, number> = {};
  for (const result of results) tally[result] = (tally[result] ?? 0) + 1;
  return tally;
}

describe('basic auth busy answers', () => {
  it('are the same for wrong passwords of an existing user and of an unknown one', async () => {
    const auth = new BasicAuth(
      new Map([
        ['cheap', bcrypt.hashSync('right', 4)],
        ['dear', bcrypt.hashSync('right', 8)],
      ]),
    );
    await auth.start();
    try {
      const cheap = await burst(auth, 'cheap');
      const dear = await burst(auth, 'dear');
      const nobody = await burst(auth, 'nobody');
      assert.equal(cheap.busy, auth.maxInFlight + 1, `cheap: ${JSON.stringify(cheap)}`);
      assert.deepEqual(nobody, cheap);
      assert.deepEqual(dear, cheap);
    } finally {
      await auth.stop();
    }
  });

  it('take a slot for an unknown user for as long as for a known one: no slot frees before the floor', async () => {
    const auth = new BasicAuth(new Map([['cheap', bcrypt.hashSync('right', 4)]]));
    await auth.start();
    try {
      // The slots are full of wrong passwords for an unknown user; a known user's attempt meanwhile is busy.
      const flood = Array.from({ length: auth.maxInFlight }, (_, i) => auth.check(basic('nobody', `wrong${i}`)));
      assert.equal(await auth.check(basic('cheap', 'wrong')), 'busy');
      assert.deepEqual(new Set(await Promise.all(flood)), new Set(['denied']));
      assert.equal(await auth.check(basic('cheap', 'right')), 'ok', 'the slots are free again');
    } finally {
      await auth.stop();
    }
  });
});

/** A logger whose records the test reads. */
function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const record = JSON.parse(chunk.toString()) as { level: string; message: string };
      lines.push(`${record.level} ${record.message}`);
      done();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

describe('a bcrypt worker that exits mid-compare (terminated by the test)', () => {
  it('fails its pending compares, is replaced, and is logged', { timeout: 20_000 }, async () => {
    const { logger, lines } = recordingLogger();
    const pool = new ComparePool(1, logger);
    const hash = bcrypt.hashSync('right', 10);
    try {
      const pending = pool.compare('wrong', hash);
      await pool.workerForTest(0).terminate();
      await assert.rejects(pending, /bcrypt worker/);
      assert.equal(pool.inFlight, 0);
      assert.equal(await pool.compare('right', hash), true, 'a new worker answers');
      assert.equal(await pool.compare('wrong', hash), false);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0], /^error bcrypt worker/);
    } finally {
      await pool.stop();
    }
  });

  it('answers the attempt denied and frees its slot', { timeout: 20_000 }, async () => {
    const { logger } = recordingLogger();
    const auth = new BasicAuth(new Map([['prometheus', bcrypt.hashSync('right', 10)]]), logger);
    await auth.start();
    try {
      const attempts = Array.from({ length: auth.maxInFlight }, () => auth.check(basic('prometheus', 'right')));
      const pool = auth.poolForTest();
      for (let i = 0; i < pool.size; i++) await pool.workerForTest(i).terminate();
      assert.deepEqual(new Set(await Promise.all(attempts)), new Set(['denied']));
      assert.equal(await auth.check(basic('prometheus', 'right')), 'ok');
    } finally {
      await auth.stop();
    }
  });
});
