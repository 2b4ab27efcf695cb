// Basic auth under attack, against the real exporter on loopback: a flood of
// wrong passwords must not slow an authenticated scraper, failures must not
// tell which users exist or how costly their hashes are, and Kubernetes
// probes work without credentials.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { Exporter } from '../support/exporter';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function get(
  port: number,
  urlPath: string,
  authorization?: string,
  agent?: http.Agent,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        agent,
        timeout: 10_000,
        headers: authorization ? { authorization } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('basic auth', () => {
  let dir: string;
  let exporter: Exporter;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-auth-'));
    fs.writeFileSync(
      path.join(dir, 'web.yml'),
      [
        'basic_auth_users:',
        `  prometheus: ${bcrypt.hashSync('right', 10)}`,
        `  cheap: ${bcrypt.hashSync('right', 5)}`,
        `  dear: ${bcrypt.hashSync('right', 12)}`,
        '',
      ].join('\n'),
    );
    exporter = await Exporter.start([`--web.config.file=${path.join(dir, 'web.yml')}`, '--no-collector.conntrack']);
  });

  after(async () => {
    await exporter?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz and /readyz without credentials (status word only), /metrics and / only with', async () => {
    const port = exporter.httpPort;
    const deadline = Date.now() + 20_000;
    let ready = await get(port, '/readyz');
    while (ready.status !== 200 && Date.now() < deadline) ready = await get(port, '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body, 'ready\n');
    const healthz = await get(port, '/healthz');
    assert.deepEqual([healthz.status, healthz.body], [200, 'ok\n']);
    assert.equal((await get(port, '/metrics')).status, 401);
    assert.equal((await get(port, '/')).status, 401);
    assert.equal((await get(port, '/metrics', basic('prometheus', 'right'))).status, 200);
  });

  it('answers wrong passwords for a cost-5 user, an unknown user and a cost-12 user in the same time', async (t) => {
    const port = exporter.httpPort;
    // Interleaved, so the three see the same load from whatever else runs on the machine.
    const users = ['cheap', 'nobody', 'dear'];
    const times: Record<string, number[]> = { cheap: [], nobody: [], dear: [] };
    for (let i = 0; i < 7; i++) {
      for (const user of users) {
        const reply = await get(port, '/metrics', basic(user, `wrong${i}`));
        assert.equal(reply.status, 401);
        times[user].push(reply.ms);
      }
    }
    const medians = Object.fromEntries(users.map((user) => [user, Math.round(median(times[user]))]));
    t.diagnostic(`wrong-password medians: ${JSON.stringify(medians)} ms`);
    const values = Object.values(medians);
    assert.ok(Math.max(...values) < 2 * Math.min(...values), `medians ${JSON.stringify(medians)} ms`);
  });

  it('keeps every honest scrape under 1 s through a 64-client wrong-password flood', async (t) => {
    const port = exporter.httpPort;
    const honest = basic('prometheus', 'right');
    assert.equal((await get(port, '/metrics', honest)).status, 200, 'the scraper has authenticated once');
    // A new connection per attempt, as a password-guessing tool does.
    const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
    let stop = false;
    const statuses = new Map<number, number>();
    const attacker = async (i: number) => {
      for (let n = 0; !stop && n < 10_000; n++) {
        const reply = await get(port, '/metrics', basic(i % 2 ? 'prometheus' : `nobody${i}`, `guess${n}`), agent);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      }
    };
    const attackers = Array.from({ length: 64 }, (_, i) => attacker(i));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const reply = await get(port, '/metrics', honest);
        latencies.push(reply.ms);
        assert.equal(reply.status, 200, `honest scrape ${i}: ${reply.status} after ${reply.ms.toFixed(0)} ms`);
      }
      const worst = Math.max(...latencies);
      t.diagnostic(`honest scrapes: median ${median(latencies).toFixed(0)} ms, worst ${worst.toFixed(0)} ms`);
      assert.ok(worst < 1000, `honest scrapes: ${latencies.map((ms) => ms.toFixed(0)).join(' ')} ms`);
    } finally {
      stop = true;
      await Promise.all(attackers);
      agent.destroy();
    }
    t.diagnostic(`attackers answered: ${[...statuses].map(([status, n]) => `${status}×${n}`).join(' ')}`);
    assert.ok((statuses.get(401) ?? 0) > 0, `attackers were answered: ${[...statuses].join(' ')}`);
  });
});
