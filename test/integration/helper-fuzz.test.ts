// Hostile input for the helper: libFuzzer over every RPC's request decoding
// and validation for a bounded time, and oversized or malformed requests sent
// with grpc-js to the real ASan/UBSan helper.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { hasCommand, runSync } from '../support/exec';
import { HELPER_ASAN, ROOT } from '../support/exporter';
import { HelperCallError, HelperClient, HelperProcess, traversableTempDir } from '../support/helper-process';

const FUZZ_SECONDS = 20;

/** clang-14 with libFuzzer, installed when missing and we are root. */
function fuzzToolchain(): string | undefined {
  const fuzzerLib = '/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a';
  const present = () => hasCommand('clang-14') && runSync('test', ['-f', fuzzerLib]).status === 0;
  if (present()) return undefined;
  if (process.getuid?.() === 0) {
    runSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'clang-14', 'libclang-rt-14-dev']);
    if (present()) return undefined;
  }
  return 'clang-14 and libclang-rt-14-dev are not installed and could not be installed';
}

describe('helper request fuzzing', () => {
  it(`finds no crash, sanitizer report or contract breach in ${FUZZ_SECONDS} s over every RPC`, (t) => {
    const missing = fuzzToolchain();
    if (missing) {
      t.skip(missing);
      return;
    }
    const result = runSync('bash', [path.join(ROOT, 'scripts', 'fuzz.sh'), String(FUZZ_SECONDS)]);
    const out = result.stdout + result.stderr;
    assert.equal(result.status, 0, out.split('\n').slice(-60).join('\n'));
    const runs = Number(/stat::number_of_executed_units:\s+(\d+)/.exec(out)?.[1] ?? 0);
    const rate = Number(/stat::average_exec_per_sec:\s+(\d+)/.exec(out)?.[1] ?? 0);
    t.diagnostic(`${runs} runs, ${rate} exec/s`);
    assert.ok(runs > 10_000, `only ${runs} runs`);
  });
});

type RawResult = { code: grpc.status; details: string };

/** Sends bytes as the request of method, whatever they encode. */
function rawCall(address: string, method: string, body: Buffer, streaming = false): Promise<RawResult> {
  const identity = (b: Buffer) => b;
  const Client = grpc.makeGenericClientConstructor(
    {
      call: {
        path: method,
        requestStream: false,
        responseStream: streaming,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    'Raw',
  );
  const client = new Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
  }) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  const deadline = Date.now() + 5000;
  return new Promise<RawResult>((resolve) => {
    const done = (code: grpc.status, details: string) => {
      client.close();
      resolve({ code, details });
    };
    if (streaming) {
      const call = client.call(body, { deadline }) as grpc.ClientReadableStream<Buffer>;
      call.on('data', () => undefined);
      call.on('error', (err: grpc.ServiceError) => done(err.code, err.details));
      call.on('end', () => undefined);
      call.on('status', (s: grpc.StatusObject) => {
        if (s.code === grpc.status.OK) done(s.code, s.details);
      });
    } else {
      client.call(body, { deadline }, (err: grpc.ServiceError | null) =>
        err ? done(err.code, err.details) : done(grpc.status.OK, ''),
      );
    }
  });
}

const METHODS: [string, boolean][] = [
  ['/ethtrack.helper.v1.Helper/GetInfo', false],
  ['/ethtrack.helper.v1.Helper/ListInterfaces', false],
  ['/ethtrack.helper.v1.Helper/GetEthtoolStats', false],
  ['/ethtrack.helper.v1.Helper/GetConntrackSummary', false],
  ['/ethtrack.helper.v1.Helper/GetConntrackBreakdown', false],
  ['/ethtrack.helper.v1.Helper/DumpConntrack', true],
  ['/ethtrack.helper.v1.Helper/DeleteConntrack', false],
  ['/ethtrack.helper.v1.Helper/GetFlows', false],
  ['/ethtrack.helper.v1.Helper/EvictFlows', false],
  ['/grpc.health.v1.Health/Check', false],
];

// A field 1 (length-delimited) that claims more bytes than follow, and a
// varint that never ends: neither decodes as any message.
const TRUNCATED = Buffer.from([0x0a, 0x7f, 0x01, 0x02]);
const ENDLESS_VARINT = Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

describe('helper under oversized and malformed requests (ASan and UBSan build)', () => {
  const temp = traversableTempDir('hostile');
  let helper: HelperProcess;
  let client: HelperClient;

  before(async () => {
    helper = await HelperProcess.start(HELPER_ASAN, path.join(temp.dir, 'run', 'helper.sock'));
    client = new HelperClient(helper.address, 3000);
  });

  after(async () => {
    client?.close();
    if (helper) {
      helper.kill('SIGKILL');
      await helper.exited;
    }
    temp.cleanup();
  });

  async function expectCode(what: string, promise: Promise<unknown>, code: grpc.status): Promise<void> {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof HelperCallError, `${what}: ${String(err)}`);
      assert.equal(err.code, code, `${what}: ${err.message}`);
      return true;
    });
  }

  it('answers INVALID_ARGUMENT to bytes that do not decode, on every method', async () => {
    for (const [method, streaming] of METHODS) {
      for (const body of [TRUNCATED, ENDLESS_VARINT]) {
        const result = await rawCall(helper.address, method, body, streaming);
        assert.equal(result.code, grpc.status.INVALID_ARGUMENT, `${method}: ${JSON.stringify(result)}`);
      }
    }
  });

  it('answers INVALID_ARGUMENT to a request over 64 KiB and RESOURCE_EXHAUSTED to one over 256 KiB', async () => {
    // A well-formed GetEthtoolStats request: queries of valid names.
    const query = Buffer.from([0x0a, 0x06, 0x0a, 0x04, 0x65, 0x74, 0x68, 0x30]);
    const big = Buffer.concat(Array(Math.ceil((100 * 1024) / query.length)).fill(query));
    const huge = Buffer.concat(Array(Math.ceil((300 * 1024) / query.length)).fill(query));
    const method = '/ethtrack.helper.v1.Helper/GetEthtoolStats';
    const over64k = await rawCall(helper.address, method, big);
    assert.equal(over64k.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(over64k));
    assert.match(over64k.details, /larger than 65536 bytes/);
    // gRPC core refuses it before the helper sees it.
    const over256k = await rawCall(helper.address, method, huge);
    assert.equal(over256k.code, grpc.status.RESOURCE_EXHAUSTED, JSON.stringify(over256k));
  });

  it('answers INVALID_ARGUMENT to interface names the kernel would misread', async () => {
    for (const name of ['', '.', '..', '../eth0', 'eth0/x', 'a b', 'tab\tname', 'x'.repeat(16), '\u007f']) {
      await expectCode(
        `interface ${JSON.stringify(name)}`,
        client.ethtoolStats([{ interface: name, knownGeneration: 0 }]),
        grpc.status.INVALID_ARGUMENT,
      );
    }
  });

  it('answers hundreds of distinct interfaces under the seccomp filter (sorting them calls sysinfo)', async () => {
    const names = Array.from({ length: 400 }, (_, i) => ({ interface: `nodev${i}`, knownGeneration: 0 }));
    const reply = await client.ethtoolStats(names);
    assert.equal(reply.interfaces.length, 400);
    assert.ok(reply.interfaces.every((i) => i.status === 'NO_SUCH_DEVICE'));
  });

  it('answers INVALID_ARGUMENT to an interface asked for twice, which would multiply the reply', async () => {
    const lo = { interface: 'lo', knownGeneration: 0 };
    await expectCode(
      'lo twice',
      client.ethtoolStats([lo, { interface: 'eth9', knownGeneration: 0 }, lo]),
      grpc.status.INVALID_ARGUMENT,
    );
    const many = Array.from({ length: 16385 }, (_, i) => ({ interface: `d${i}`, knownGeneration: 0 }));
    await expectCode('16385 interfaces', client.ethtoolStats(many), grpc.status.INVALID_ARGUMENT);
  });

  it('answers INVALID_ARGUMENT to deletion filters out of bounds and to a zone above 65535', async () => {
    const base = {
      rules: [{ protocol: 6, states: ['time_wait'] }],
      maxTimeoutRemaining: 0,
      minAgeSeconds: 0,
      statusSet: 0,
      statusClear: 0,
      maxCount: 10,
      dryRun: true,
      deadlineMs: 1000,
    };
    const bad: [string, object][] = [
      ['no rules', { rules: [] }],
      ['65 rules', { rules: Array(65).fill({ protocol: 17, states: [] }) }],
      ['protocol 256', { rules: [{ protocol: 256, states: [] }] }],
      ['33 states', { rules: [{ protocol: 6, states: Array(33).fill('established') }] }],
      ['unknown state', { rules: [{ protocol: 6, states: ['nonsense'] }] }],
      ['udp with a tcp state', { rules: [{ protocol: 17, states: ['time_wait'] }] }],
      ['max_count 0', { maxCount: 0 }],
      ['overlapping status bits', { statusSet: 4, statusClear: 6 }],
    ];
    for (const [what, change] of bad) {
      await expectCode(what, client.conntrackDelete({ ...base, ...change }), grpc.status.INVALID_ARGUMENT);
    }
    const zone = await rawCall(
      helper.address,
      '/ethtrack.helper.v1.Helper/GetConntrackBreakdown',
      Buffer.from([0x10, 0x01, 0x18, 0xf0, 0xa2, 0x04]), // has_zone, zone 70000
    );
    assert.equal(zone.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(zone));
  });

  it('still answers afterwards and exits 0 without a sanitizer report', async () => {
    const info = await client.info();
    assert.equal(info.pid, helper.pid);
    assert.equal(await client.check(), 'SERVING');
    client.close();
    const exit = await helper.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, helper.stderr.join('\n'));
    assert.ok(
      !helper.stderr.some((l) => /ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:/.test(l)),
      helper.stderr.join('\n'),
    );
  });
});
