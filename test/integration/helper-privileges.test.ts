// The helper's least privilege, read from the running process: its
// /proc/<pid>/status and every thread's in the three ways it is installed
// (started by root, setuid root, `setcap cap_net_admin+p`), CAP_NET_ADMIN
// effective in no thread at rest, who may connect (SO_PEERCRED), and the
// seccomp filter killing the whole process on a call outside its list.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run, sleep } from '../support/exec';
import { HELPER, HELPER_ASAN } from '../support/exporter';
import {
  HelperClient,
  HelperProcess,
  type Identity,
  probeAs,
  TestAccounts,
  traversableTempDir,
} from '../support/helper-process';

const CAP_NET_ADMIN = 1n << 12n;
const conntrackLoaded = fs.existsSync('/proc/sys/net/netfilter/nf_conntrack_count');

async function until(probe: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await sleep(20);
  }
}

function capSet(status: Map<string, string>, field: string): bigint {
  const hex = status.get(field);
  assert.ok(hex !== undefined, `${field} missing from /proc status`);
  return BigInt(`0x${hex}`);
}

function ids(status: Map<string, string>, field: 'Uid' | 'Gid'): number[] {
  return (status.get(field) ?? '').split(/\s+/).map(Number);
}

/** /proc/<pid>/task/<tid>/status of every thread, gRPC's included. */
function threadStatuses(pid: number): Map<string, Map<string, string>> {
  const threads = new Map<string, Map<string, string>>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    } catch {
      continue; // a thread that ended while we listed
    }
    const fields = new Map<string, string>();
    for (const line of text.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
    }
    threads.set(`${fields.get('Name')}/${tid}`, fields);
  }
  return threads;
}

/** At rest no thread has an effective capability; each keeps CAP_NET_ADMIN
 * permitted, to raise around the calls that need it. */
function assertNothingEffective(helper: HelperProcess): void {
  const threads = threadStatuses(helper.pid);
  // The main thread and gRPC's executor, timer and event-engine threads.
  assert.ok(threads.size > 1, `threads: ${[...threads.keys()].join(', ')}`);
  for (const [thread, status] of threads) {
    assert.equal(capSet(status, 'CapEff'), 0n, `CapEff of ${thread}`);
    assert.equal(capSet(status, 'CapPrm'), CAP_NET_ADMIN, `CapPrm of ${thread}`);
  }
}

/** CAP_NET_ADMIN alone in permitted, the effective set empty in every
 * thread, nothing inheritable or ambient, no_new_privs, a seccomp filter;
 * GetInfo names the capability held. */
async function assertLeastPrivilege(helper: HelperProcess): Promise<Map<string, string>> {
  const status = helper.status();
  assert.equal(capSet(status, 'CapEff'), 0n, 'CapEff');
  assert.equal(capSet(status, 'CapPrm'), CAP_NET_ADMIN, 'CapPrm');
  assert.equal(capSet(status, 'CapInh'), 0n, 'CapInh');
  assert.equal(capSet(status, 'CapAmb'), 0n, 'CapAmb');
  assert.equal(status.get('NoNewPrivs'), '1');
  assert.equal(status.get('Seccomp'), '2');
  const client = new HelperClient(helper.address, 3000);
  try {
    const info = await client.info();
    assert.deepEqual(info.capabilities, ['cap_net_admin']);
    assert.equal(info.noNewPrivs, true);
    assert.equal(info.seccompMode, 2);
    assert.equal(info.pid, helper.pid);
  } finally {
    client.close();
  }
  assertNothingEffective(helper);
  return status;
}

/** Both halves of the helper work: ethtool needs no capability, the
 * conntrack summary and dump go over ctnetlink and need CAP_NET_ADMIN,
 * raised by the serving thread for the sends only: after the replies, no
 * thread holds it effective. */
async function assertServes(helper: HelperProcess): Promise<void> {
  const client = new HelperClient(helper.address, 3000);
  try {
    const names = (await client.listInterfaces()).interfaces.map((i) => i.name);
    assert.ok(names.includes('lo'), `interfaces: ${names.join(', ')}`);
    const stats = await client.ethtoolStats([{ interface: 'lo', knownGeneration: 0 }]);
    assert.equal(stats.interfaces.length, 1);
    const summary = await client.conntrackSummary(true);
    if (conntrackLoaded) {
      assert.equal(summary.available, true);
      assert.equal(summary.source, 'netlink');
      assert.ok(summary.limit > 0);
      assert.ok(summary.cpus.length > 0);
      let batches = 0;
      for await (const batch of client.dumpConntrack(64, 2000)) {
        batches++;
        if (batch.done) break;
      }
      assert.ok(batches > 0);
    }
  } finally {
    client.close();
  }
  assertNothingEffective(helper);
}

describe('helper privileges', () => {
  const accounts = new TestAccounts();
  const temp = traversableTempDir('priv');
  let user: Identity & { name: string };
  let other: Identity & { name: string };
  let shared: { name: string; gid: number };
  const running: HelperProcess[] = [];

  async function start(binary: string, socket: string, options: Parameters<typeof HelperProcess.start>[2] = {}) {
    const helper = await HelperProcess.start(binary, socket, options);
    running.push(helper);
    return helper;
  }

  /** A copy of the release helper in the temp dir, prepared by fix (as root). */
  async function copyHelper(name: string, fix: (file: string) => Promise<void>): Promise<string> {
    const file = path.join(temp.dir, name);
    fs.copyFileSync(HELPER, file);
    fs.chmodSync(file, 0o755);
    await fix(file);
    return file;
  }

  /** A directory owned by the user, where it may create its socket directory. */
  function userDir(name: string, owner: Identity): string {
    const dir = path.join(temp.dir, name);
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chownSync(dir, owner.uid, owner.gid);
    return dir;
  }

  before(async () => {
    user = await accounts.user('u');
    other = await accounts.user('o');
    shared = await accounts.group('g');
  });

  after(async () => {
    for (const helper of running) helper.kill('SIGKILL');
    await Promise.all(running.map((h) => h.exited));
    accounts.removeAll();
    temp.cleanup();
  });

  it('started by root, keeps uid 0 with only CAP_NET_ADMIN, an empty bounding set, no_new_privs and seccomp', async () => {
    const helper = await start(HELPER, path.join(temp.dir, 'root', 'run', 'helper.sock'));
    const status = await assertLeastPrivilege(helper);
    assert.deepEqual(ids(status, 'Uid'), [0, 0, 0, 0]);
    assert.equal(capSet(status, 'CapBnd'), 0n, 'CapBnd');
    await assertServes(helper);
    assert.deepEqual(await helper.stop(), { code: 0, signal: null });
  });

  it('setuid root and started by a user, becomes that user with only CAP_NET_ADMIN, socket and directory theirs', async () => {
    const binary = await copyHelper('ethtrack-helper-setuid', async (file) => {
      fs.chownSync(file, 0, 0);
      fs.chmodSync(file, 0o4755);
    });
    const socket = path.join(userDir('suid', user), 'run', 'helper.sock');
    const helper = await start(binary, socket, { as: user });
    const status = await assertLeastPrivilege(helper);
    assert.deepEqual(ids(status, 'Uid'), [user.uid, user.uid, user.uid, user.uid]);
    assert.deepEqual(ids(status, 'Gid'), [user.gid, user.gid, user.gid, user.gid]);
    assert.equal(capSet(status, 'CapBnd'), 0n, 'CapBnd');

    const sock = fs.statSync(socket);
    const dir = fs.statSync(path.dirname(socket));
    assert.equal(sock.mode & 0o777, 0o660);
    assert.equal(dir.mode & 0o777, 0o750);
    assert.deepEqual([sock.uid, dir.uid], [user.uid, user.uid]);

    await assertServes(helper);
    assert.deepEqual(probeAs(user, helper.address, temp.dir).ok, true, 'the same uid is served');
    assert.deepEqual(await helper.stop(), { code: 0, signal: null });
  });

  it('with the file capability cap_net_admin+p and started by a user, keeps CAP_NET_ADMIN permitted and raises it only per call', async () => {
    const binary = await copyHelper('ethtrack-helper-fcap', (file) =>
      run('setcap', ['cap_net_admin+p', file]).then(() => undefined),
    );
    const socket = path.join(userDir('fcap', user), 'run', 'helper.sock');
    const helper = await start(binary, socket, { as: user });
    const status = await assertLeastPrivilege(helper);
    assert.deepEqual(ids(status, 'Uid'), [user.uid, user.uid, user.uid, user.uid]);
    // Without CAP_SETPCAP the bounding set cannot be emptied; no_new_privs
    // and the filter (no execve) make it moot.
    await assertServes(helper);
    assert.deepEqual(await helper.stop(), { code: 0, signal: null });
  });

  it('without CAP_NET_ADMIN, still serves ethtool and says once that conntrack will fail', async () => {
    const binary = await copyHelper('ethtrack-helper-plain', async () => undefined);
    const socket = path.join(userDir('plain', user), 'run', 'helper.sock');
    const helper = await start(binary, socket, { as: user });
    const status = helper.status();
    assert.equal(capSet(status, 'CapEff'), 0n);
    assert.equal(capSet(status, 'CapPrm'), 0n);
    assert.equal(status.get('Seccomp'), '2');
    const client = new HelperClient(helper.address, 3000);
    try {
      assert.ok((await client.listInterfaces()).interfaces.length > 0);
      // Nothing to raise: the call goes on and the kernel's refusal is what the caller reads.
      if (conntrackLoaded) await assert.rejects(client.conntrackSummary(true), /Operation not permitted/);
    } finally {
      client.close();
    }
    assert.equal(helper.stderr.filter((l) => /no CAP_NET_ADMIN.*conntrack calls will fail/.test(l)).length, 1);
    await helper.stop();
  });

  it('refuses a client of another uid whose primary group is not the allowed one, even when it can open the socket', async () => {
    const socket = path.join(temp.dir, 'peer', 'run', 'helper.sock');
    const helper = await start(HELPER, socket, { args: ['--allow-gid', String(shared.gid)] });
    // The socket and the directory the helper made belong to the allowed group.
    assert.equal(fs.statSync(socket).gid, shared.gid);
    assert.equal(fs.statSync(path.dirname(socket)).gid, shared.gid);

    // A supplementary member passes the file permissions; SO_PEERCRED carries
    // the primary gid, so the helper still refuses it.
    const outsider = probeAs({ ...other, groups: [shared.gid] }, helper.address, temp.dir);
    assert.equal(outsider.ok, false, JSON.stringify(outsider));
    // Refused by the helper after accept(), not by the file system.
    await until(() => helper.stderr.some((l) => l.includes('refused a connection')), 'the refusal is logged');

    const member = probeAs({ uid: other.uid, gid: shared.gid }, helper.address, temp.dir);
    assert.equal(member.ok, true, `--allow-gid member: ${JSON.stringify(member)}`);
    assert.equal(probeAs({ uid: 0, gid: 0 }, helper.address, temp.dir).ok, true, 'root is served');
    assert.deepEqual(await helper.stop(), { code: 0, signal: null });
  });

  it("refuses another user's client on a setuid helper started by a user, and serves that user", async () => {
    const binary = path.join(temp.dir, 'ethtrack-helper-setuid');
    const socket = path.join(userDir('peer-suid', user), 'run', 'helper.sock');
    const helper = await start(binary, socket, { as: user });
    assert.equal(probeAs(other, helper.address, temp.dir).ok, false);
    assert.equal(probeAs(user, helper.address, temp.dir).ok, true);
    await helper.stop();
  });

  it('is killed with SIGSYS, whole process, when a thread calls socket(AF_PACKET) outside the allow-list', async () => {
    const helper = await start(HELPER, path.join(temp.dir, 'kill', 'run', 'helper.sock'), {
      args: ['--seccomp-test-violation'],
    });
    assert.equal(helper.status().get('Seccomp'), '2');
    const exit = await helper.exited;
    assert.deepEqual(exit, { code: null, signal: 'SIGSYS' }, helper.stderr.join('\n'));
    assert.ok(helper.stderr.some((l) => l.includes('calling socket(AF_PACKET)')));
    assert.ok(!helper.stderr.some((l) => l.includes('the filter did not kill')));
  });

  it('the ASan build serves every RPC under its filter, still dies of SIGSYS outside it, and exits 0 after its leak check', async () => {
    const helper = await start(HELPER_ASAN, path.join(temp.dir, 'asan', 'run', 'helper.sock'));
    await assertLeastPrivilege(helper);
    await assertServes(helper);
    const client = new HelperClient(helper.address, 3000);
    try {
      await client.conntrackBreakdown(1000);
      for await (const batch of client.dumpConntrack(64, 1000)) if (batch.done) break;
      await client.conntrackDelete({
        rules: [{ protocol: 17, states: ['unreplied'] }],
        maxTimeoutRemaining: 0,
        minAgeSeconds: 0,
        statusSet: 0,
        statusClear: 0,
        maxCount: 1,
        dryRun: true,
        deadlineMs: 1000,
      });
      await client.ethtoolStats([{ interface: 'lo', knownGeneration: 0 }]);
    } finally {
      client.close();
    }
    assert.deepEqual(await helper.stop(), { code: 0, signal: null }, helper.stderr.join('\n'));

    const violating = await start(HELPER_ASAN, path.join(temp.dir, 'asan-kill', 'run', 'helper.sock'), {
      args: ['--seccomp-test-violation'],
    });
    assert.deepEqual(await violating.exited, { code: null, signal: 'SIGSYS' });
  });
});
