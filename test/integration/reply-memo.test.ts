// The helper client's reply memo against the real helper in a namespace: the
// interface list and the ethtool netlink settings come back as the same
// object while the kernel's answer repeats, and anew once it changes (a veth
// added, a channel count set with ethtool -L).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HELPER } from '../support/exporter';
import { type HelperClient, HelperUnderTest } from '../support/helper-process';
import { Netns } from '../support/netns';

describe('reply memo through the real helper', () => {
  const under = new HelperUnderTest('memo');
  let ns: Netns;
  let client: HelperClient;

  before(async () => {
    ns = await Netns.create('memo');
    await ns.addVeth('mm0a', 'mm0b', 8);
    client = await under.start(HELPER, ns);
  });

  after(async () => {
    await under.stop();
    ns?.destroy();
  });

  it('returns the same interface list until a device is added', async () => {
    const first = await client.listInterfaces();
    assert.equal(await client.listInterfaces(), first);
    assert.ok(Object.isFrozen(first.interfaces[0]));
    await ns.addVeth('mm1a', 'mm1b');
    const changed = await client.listInterfaces();
    assert.notEqual(changed, first);
    assert.ok(changed.interfaces.some((dev) => dev.name === 'mm1a'));
  });

  it('returns the same settings until ethtool -L changes a channel count', async () => {
    const request = {
      channels: true,
      rings: true,
      coalesce: true,
      pause: true,
      fec: true,
      linkState: true,
      linkModes: true,
    };
    const rx = (reply: Awaited<ReturnType<HelperClient['ethtoolSettings']>>) => {
      const dev = reply.devices.find((d) => d.interface === 'mm0a');
      const channels = dev?.channels ?? [];
      // ETHTOOL_A_CHANNELS_RX_COUNT is attribute 6.
      for (let i = 0; i + 1 < channels.length; i += 2) if (channels[i] === 6) return channels[i + 1];
      return undefined;
    };
    const first = await client.ethtoolSettings(request);
    assert.equal(await client.ethtoolSettings(request), first);
    // The fast cycles' request is another reply, remembered apart.
    const fast = await client.ethtoolSettings({ ...request, channels: false, rings: false, coalesce: false });
    assert.notEqual(fast, first);
    assert.equal(await client.ethtoolSettings(request), first);
    await ns.exec('ethtool', ['-L', 'mm0a', 'rx', '4']);
    const changed = await client.ethtoolSettings(request);
    assert.notEqual(changed, first);
    assert.equal(rx(changed), 4);
    assert.notEqual(rx(first), 4);
  });
});
