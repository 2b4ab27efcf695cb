// Which ethtool netlink settings the ethtool collector asks for in a cycle,
// and the last answer for those it did not ask for.
//
// Channels, rings, coalescing and the link modes change only when someone
// runs `ethtool -L/-G/-C` or the link renegotiates, yet each is a dump over
// every device of the node. They are read on the first cycle, every
// SLOW_EVERY-th cycle after, and whenever the set of devices changes; in
// between their last values are served. Pause, FEC (whose statistics are
// counters) and link state (why a link is down) are read every cycle.

import type { DeviceSettings, EthtoolSettingsReply } from '../helper-client/api';

/** At the default 15 s schedule, a settings change shows within a minute. */
export const SLOW_EVERY = 4;

const SLOW_FIELDS = [
  'channels',
  'rings',
  'coalesce',
  'linkModes',
  'linkModesAdvertised',
  'linkModesSupported',
  'linkModesPeer',
] as const;

type SlowPart = Pick<DeviceSettings, (typeof SLOW_FIELDS)[number]>;

export interface SettingsRequest {
  channels: boolean;
  rings: boolean;
  coalesce: boolean;
  pause: boolean;
  fec: boolean;
  linkState: boolean;
  linkModes: boolean;
}

/** A device's settings with every kind empty: what a device absent from a dump has. */
export function emptyDevice(name: string, ifindex: number): DeviceSettings {
  return {
    interface: name,
    ifindex,
    channels: [],
    rings: [],
    coalesce: [],
    pause: [],
    pauseStats: [],
    fecKnown: false,
    fecModes: [],
    fecAuto: false,
    fecActive: 0,
    fecCorrected: [],
    fecUncorrectable: [],
    fecCorrectedBits: [],
    linkState: [],
    linkModes: [],
    linkModesAdvertised: [],
    linkModesSupported: [],
    linkModesPeer: [],
  };
}

export class SlowSettings {
  private cycles = 0;
  private devicesKey: string | undefined;
  private readonly last = new Map<string, { ifindex: number; slow: SlowPart }>();
  private slowReply: EthtoolSettingsReply | undefined;

  /** What to ask this cycle for the devices the collector reads. */
  request(devices: readonly string[]): SettingsRequest {
    const key = devices.join('\n');
    const slow = this.cycles % SLOW_EVERY === 0 || key !== this.devicesKey;
    this.cycles = slow ? 1 : this.cycles + 1;
    this.devicesKey = key;
    return { channels: slow, rings: slow, coalesce: slow, pause: true, fec: true, linkState: true, linkModes: slow };
  }

  /** The reply, with the slow kinds it was not asked for filled in from the last reply that was. */
  complete(asked: SettingsRequest, reply: EthtoolSettingsReply): EthtoolSettingsReply {
    if (asked.channels) {
      this.remember(reply);
      return reply;
    }
    const devices = new Map(reply.devices.map((dev) => [dev.interface, dev]));
    for (const [name, { ifindex, slow }] of this.last) {
      const dev = devices.get(name) ?? emptyDevice(name, ifindex);
      devices.set(name, { ...dev, ...slow });
    }
    return { ...reply, devices: [...devices.values()] };
  }

  /**
   * The reply to the last cycle that asked for every kind: what fills in the
   * others. The helper client hands back the same object for a repeated
   * reply, so an unchanged one is kept without copying anything.
   */
  get base(): EthtoolSettingsReply | undefined {
    return this.slowReply;
  }

  /** Keeps the slow kinds of a reply to a cycle that asked for every kind. */
  remember(reply: EthtoolSettingsReply): void {
    if (reply === this.slowReply) return;
    this.slowReply = reply;
    this.last.clear();
    for (const dev of reply.devices) {
      const slow = Object.fromEntries(SLOW_FIELDS.map((field) => [field, dev[field]])) as SlowPart;
      this.last.set(dev.interface, { ifindex: dev.ifindex, slow });
    }
  }

  /** Forget what was read: the next cycle asks for every kind (a helper restart, a failed call). */
  reset(): void {
    this.cycles = 0;
    this.slowReply = undefined;
    this.last.clear();
  }
}
