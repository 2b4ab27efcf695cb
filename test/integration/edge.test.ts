// The network edge tried as a hostile client would, on loopback: a flood of
// idle connections on both listeners with the service's file limit lowered,
// concurrent scrapes beyond --web.max-requests, a busy listen address for
// each listener, a regexp that backtracks exponentially, and the whole stderr
// of a run with a missed cron tick and a gRPC bind failure.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sleep } from '../support/exec';
import { CLI, Exporter, HELPER_ASAN, NODE_FLAGS } from '../support/exporter';
import { parseExposition, sampleValue } from '../support/exposition';
import { check, healthClient } from '../support/grpc-health';
import { Netns } from '../support/netns';

// An HTTP/2 client preface and an empty SETTINGS frame: a connection that never opens a stream.
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/** Opens `count` idle connections, at most 200 connecting at once; resolves with those that opened. */
async function flood(port: number, count: number, hello?: Buffer): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 200) {
    const batch = Array.from(
      { length: Math.min(200, count - i) },
      () =>
        new Promise<void>((resolve) => {
          const socket = net.connect({ host: '127.0.0.1', port });
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          socket.once('connect', () => {
            sockets.push(socket);
            if (hello) socket.write(hello);
            resolve();
          });
          socket.setTimeout(5000, () => socket.destroy());
        }),
    );
    await Promise.all(batch);
  }
  return sockets;
}

/** One HTTP GET with its own connection, its latency, and a deadline. */
function timedGet(port: number, path: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    let head = '';
    const done = (status: number) => {
      socket.destroy();
      resolve({ status, ms: performance.now() - started });
    };
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match && head.includes('\r\n\r\n')) done(Number(match[1]));
    });
    socket.on('error', () => done(0));
    socket.on('close', () => done(0));
    socket.setTimeout(5000, () => done(0));
  });
}

describe('idle-connection flood, service file limit 1024', () => {
  let exporter: Exporter;
  before(async () => {
    exporter = await Exporter.start(['--no-collector.conntrack'], { limitFiles: 1024 });
    await exporter.ready();
  });
  after(() => exporter?.stop());

  it('leaves /metrics 200 and gRPC Check SERVING within 2 s, memory under 2x idle, refusals counted', async (t) => {
    const client = healthClient(exporter.grpcPort);
    try {
      assert.equal(await check(client, ''), 'SERVING');
      const idle = exporter.residentBytes();
      // Three times the service's descriptors, both listeners at once.
      const open = await Promise.all([
        flood(exporter.grpcPort, 2000, H2_PREFACE),
        flood(exporter.httpPort, 1000, Buffer.from('GET /metrics HTTP/1.1\r\n')),
      ]);
      const floodSockets = open.flat();
      try {
        // A new gRPC client: a new connection, as a kubelet's probe makes.
        const probe = healthClient(exporter.grpcPort, true);
        const [scrape, serving] = await Promise.all([
          timedGet(exporter.httpPort, '/metrics'),
          check(probe, '', 2000)
            .catch((err: Error) => err.message)
            .finally(() => probe.close()),
        ]);
        const flooded = exporter.residentBytes();
        t.diagnostic(
          `scrape ${scrape.status} in ${scrape.ms.toFixed(0)} ms; Check ${serving}; RSS ${idle >> 20} → ${flooded >> 20} MiB`,
        );
        assert.equal(scrape.status, 200, `scrape answered ${scrape.status} after ${scrape.ms} ms`);
        assert.ok(scrape.ms < 2000, `scrape took ${scrape.ms} ms`);
        assert.equal(serving, 'SERVING');
        assert.ok(flooded < 2 * idle, `RSS ${idle} → ${flooded}`);
      } finally {
        for (const socket of floodSockets) socket.destroy();
      }
      const samples = parseExposition(await exporter.metrics());
      for (const listener of ['http', 'grpc']) {
        const evicted = sampleValue(samples, 'ethtrack_connections_refused_total', {
          listener,
          reason: 'evicted_idle',
        });
        assert.ok((evicted ?? 0) > 0, `${listener} evictions counted`);
      }
      const logged = exporter.logs.filter((line) => line.includes('listener full'));
      assert.ok(
        logged.length >= 1 && logged.length <= 2,
        `logged at most once a minute per listener: ${logged.length}`,
      );
    } finally {
      client.close();
    }
  });
});

/** Runs the CLI to its exit; returns code and the whole stderr. */
function runToExit(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, CLI, `--helper.path=${HELPER_ASAN}`, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

async function busyPort(): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('a busy listen address', () => {
  for (const flag of ['web.listen-address', 'grpc.listen-address']) {
    it(`exits 2 with one line naming --${flag} and the address, before the helper starts`, async () => {
      const server = await busyPort();
      const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      try {
        const other = flag === 'web.listen-address' ? 'grpc.listen-address' : 'web.listen-address';
        const { code, stderr } = await runToExit([`--${flag}=${address}`, `--${other}=127.0.0.1:0`]);
        assert.equal(code, 2, stderr);
        const naming = stderr.split('\n').filter((line) => line.includes(`--${flag}`));
        assert.equal(naming.length, 1, stderr);
        assert.ok(naming[0].includes(address), naming[0]);
        assert.doesNotMatch(stderr, /component=helper|helper state changed/, 'no helper was started');
        assert.doesNotMatch(stderr, /No address added/);
      } finally {
        server.close();
      }
    });
  }
});

const LOGFMT_LINE =
  /^ts=\S+ level=(debug|info|warn|error) msg=("(?:[^"\\]|\\.)*"|[^\s"=\\]+)( [a-z_]+=("(?:[^"\\]|\\.)*"|[^\s"=\\]+))*$/;

describe('stderr', () => {
  it('is only well-formed log lines through a missed cron tick and a gRPC bind failure', async () => {
    // Run 1 (logfmt): stopped for 3 s with a collector due every second, so node-cron misses ticks.
    // The hours are named, so the runner leaves the schedule to node-cron's scheduler (schedule.ts);
    // rxpath's every second is timed by the runner, which says its run started late.
    const child = spawn(
      process.execPath,
      [
        ...NODE_FLAGS,
        CLI,
        `--helper.path=${HELPER_ASAN}`,
        '--web.listen-address=127.0.0.1:0',
        '--grpc.listen-address=127.0.0.1:0',
        '--no-collector.conntrack',
        '--collector.ethtool.schedule=* * 0-23 * * *',
        '--collector.rxpath.schedule=* * * * * *',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('msg=listening') && Date.now() < deadline) await sleep(50);
    child.kill('SIGSTOP');
    await sleep(3000);
    child.kill('SIGCONT');
    await sleep(2500);
    child.kill('SIGTERM');
    await exited;
    const lines = stderr.trimEnd().split('\n');
    assert.ok(
      lines.some((line) => line.includes('component=node-cron')),
      `node-cron reported the missed tick: ${stderr}`,
    );
    assert.ok(
      lines.some((line) => line.includes('started late') && line.includes('collector=rxpath')),
      `the runner reported rxpath's late run: ${stderr}`,
    );
    for (const line of lines) assert.match(line, LOGFMT_LINE);

    // Run 2 (JSON): the gRPC port is busy.
    const server = await busyPort();
    try {
      const port = (server.address() as net.AddressInfo).port;
      const failed = await runToExit([
        '--log.format=json',
        '--web.listen-address=127.0.0.1:0',
        `--grpc.listen-address=127.0.0.1:${port}`,
      ]);
      assert.equal(failed.code, 2, failed.stderr);
      for (const line of failed.stderr.trimEnd().split('\n')) {
        const record = JSON.parse(line) as { level?: string; message?: string; timestamp?: string };
        assert.ok(record.level && record.message !== undefined && record.timestamp, line);
      }
    } finally {
      server.close();
    }
    assert.ok(!stderr.includes('\u001b'), 'no ANSI escapes');
  });
});

describe('a regexp that backtracks exponentially in JavaScript', () => {
  it('filters 16-queue NICs in milliseconds (RE2, linear time)', async (t) => {
    const ns = await Netns.create('edge-re');
    let exporter: Exporter | undefined;
    try {
      await ns.addVeth('veth0', 'nic0', 16);
      await ns.addVeth('veth1', 'nic1', 16);
      exporter = await Exporter.start(
        [
          '--no-collector.conntrack',
          '--collector.ethtool.stat-include=^([a-z_0-9]+)+!',
          '--collector.ethtool.device-include=.',
        ],
        { ns },
      );
      await exporter.ready(30_000);
      const samples = parseExposition(await exporter.metrics());
      const seconds = sampleValue(samples, 'ethtrack_collector_duration_seconds', { collector: 'ethtool' });
      t.diagnostic(`ethtool cycle ${seconds} s`);
      assert.ok(seconds !== undefined && seconds < 0.5, `cycle took ${seconds} s`);
    } finally {
      await exporter?.stop();
      ns.destroy();
    }
  });
});
