// Network namespaces and veth pairs for tests, with unique names so runs
// cannot collide, and cleanup that runs even when a test fails.

import crypto from 'node:crypto';
import { run, runSync } from './exec';

export class Netns {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  static async create(tag: string): Promise<Netns> {
    const name = `et-${tag}-${crypto.randomBytes(3).toString('hex')}`;
    await run('ip', ['netns', 'add', name]);
    const ns = new Netns(name);
    await ns.exec('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  exec(cmd: string, args: readonly string[], input?: string): Promise<string> {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], input);
  }

  /** Argument vector that runs a command inside this namespace. */
  wrap(cmd: string, args: readonly string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.name, cmd, ...args]];
  }

  /** A veth pair inside this namespace (or with the peer in another). */
  /**
   * No IPv6 here, for the namespace and devices made after: new devices'
   * autoconfiguration traffic would move counters a test or bench compares.
   */
  async disableIpv6(): Promise<void> {
    await this.exec('sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
    await this.exec('sysctl', ['-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
  }

  async addVeth(
    name: string,
    peer: string,
    queues = 1,
    options: { peerNs?: Netns; address?: string; peerAddress?: string } = {},
  ): Promise<void> {
    const q = ['numrxqueues', String(queues), 'numtxqueues', String(queues)];
    await this.exec('ip', ['link', 'add', name, ...q, 'type', 'veth', 'peer', 'name', peer, ...q]);
    if (options.peerNs) await this.exec('ip', ['link', 'set', peer, 'netns', options.peerNs.name]);
    const peerNs = options.peerNs ?? this;
    if (options.address) await this.exec('ip', ['addr', 'add', options.address, 'dev', name]);
    if (options.peerAddress) await peerNs.exec('ip', ['addr', 'add', options.peerAddress, 'dev', peer]);
    await this.exec('ip', ['link', 'set', name, 'up']);
    await peerNs.exec('ip', ['link', 'set', peer, 'up']);
  }

  /** Removes the namespace; its veths go with it. Never throws. */
  destroy(): void {
    runSync('ip', ['netns', 'pids', this.name])
      .stdout.split('\n')
      .filter(Boolean)
      .forEach((pid) => {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      });
    runSync('ip', ['netns', 'del', this.name]);
  }
}

/** Creates namespaces for a test and guarantees their removal. */
export async function withNetns<T>(tags: string[], body: (...ns: Netns[]) => Promise<T>): Promise<T> {
  const created: Netns[] = [];
  try {
    for (const tag of tags) created.push(await Netns.create(tag));
    return await body(...created);
  } finally {
    for (const ns of created) ns.destroy();
  }
}
