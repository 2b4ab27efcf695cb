// Which network devices a collector reads: node_exporter's
// --collector.<name>.device-include / device-exclude pair, with a default
// exclusion of the virtual devices a Kubernetes node has by the thousand.
// Shared by every collector that works per device.

import { type FlagValues, getRegex, type Pattern } from '../flags';

export const DEFAULT_DEVICE_EXCLUDE =
  '^(lo|veth.+|cali.+|lxc.+|azv.+|cilium_.+|flannel\\..+|cni0|docker0|tunl0|kube-ipvs0)$';

export class DeviceFilter {
  constructor(
    readonly include: Pattern | undefined,
    readonly exclude: Pattern | undefined,
  ) {}

  passes(device: string): boolean {
    if (this.include && !this.include.test(device)) return false;
    return !(this.exclude?.test(device) ?? false);
  }
}

/** From `<prefix>.device-include` and `<prefix>.device-exclude`. */
export function deviceFilter(flags: FlagValues, prefix: string): DeviceFilter {
  const include = getRegex(flags, `${prefix}.device-include`);
  let exclude = getRegex(flags, `${prefix}.device-exclude`);
  // Naming devices to include replaces the default exclusion of virtual devices.
  if (include && exclude?.source === DEFAULT_DEVICE_EXCLUDE) exclude = undefined;
  return new DeviceFilter(include, exclude);
}
