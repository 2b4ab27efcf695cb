// The NIC dashboard's "Links and optics" row: what ethtool netlink and the
// transceiver module report beyond `ethtool -S` (issue 9) — link, pause and
// FEC settings, channels and rings against their maximum, coalescing, pause
// and FEC counters, and the module's diagnostics beside its own thresholds.
// The alerts on these are in deploy/prometheus/ethtrack-nic.yml.

import { type Item, row, stat, table, timeseries } from './panels';

const SEL = 'job=~"$job", instance=~"$instance"';
const DEV = `${SEL}, device=~"$device"`;
const RATE = '$__rate_interval';
const BY_DEVICE = '{{instance}} {{device}}';
const BY_TYPE = `${BY_DEVICE} {{type}}`;
const BY_LANE = `${BY_DEVICE} lane {{lane}}`;

/** Current and maximum side by side, one row per device and type. */
function currentAndMax(title: string, metric: string, description: string): Item {
  return table(title, [{ expr: `${metric}{${DEV}}` }, { expr: `${metric}_max{${DEV}}` }], {
    w: 12,
    rename: { 'Value #A': 'current', 'Value #B': 'maximum' },
    description,
  });
}

/** A module reading per lane (or per device) with the module's warning and alarm thresholds. */
function moduleReading(
  title: string,
  reading: string,
  threshold: string,
  unit: string,
  w: number,
  perLane: boolean,
): Item {
  return timeseries(
    title,
    [
      { expr: `${reading}{${DEV}}`, legendFormat: perLane ? BY_LANE : BY_DEVICE },
      { expr: `${threshold}{${DEV}, type=~".*warning"}`, legendFormat: BY_TYPE },
    ],
    { unit, w, description: 'With the module’s own warning thresholds, named by their type.' },
  );
}

/** Optical power in dBm, as optics datasheets and switch CLIs state it. */
function opticalPower(title: string, direction: 'tx' | 'rx'): Item {
  const dbm = (metric: string) => `10 * log10(${metric} * 1000)`;
  return timeseries(
    title,
    [
      { expr: dbm(`ethtrack_nic_module_${direction}_power_watts{${DEV}}`), legendFormat: BY_LANE },
      {
        expr: dbm(`ethtrack_nic_module_${direction}_power_threshold_watts{${DEV}, type=~".*warning"} > 0`),
        legendFormat: BY_TYPE,
      },
    ],
    {
      unit: 'dBm',
      w: 12,
      description:
        direction === 'rx'
          ? 'Per lane, with the module’s warning thresholds; below low_warning fires EthtrackNICModuleRxPowerLow.'
          : 'Per lane, with the module’s warning thresholds.',
    },
  );
}

export function linksAndOptics(): Item[] {
  return [
    row('Links and optics'),
    table(
      'Link and pause settings',
      [
        { expr: `ethtrack_nic_link_up{${DEV}}` },
        { expr: `ethtrack_nic_link_speed_bytes{${DEV}} * 8` },
        { expr: `ethtrack_nic_pause_autoneg_enabled{${DEV}}` },
        { expr: `ethtrack_nic_pause_rx_enabled{${DEV}}` },
        { expr: `ethtrack_nic_pause_tx_enabled{${DEV}}` },
        { expr: `ethtrack_nic_fec_auto{${DEV}}` },
      ],
      {
        w: 16,
        rename: {
          'Value #A': 'link up',
          'Value #B': 'speed (bit/s)',
          'Value #C': 'pause autoneg',
          'Value #D': 'pause rx',
          'Value #E': 'pause tx',
          'Value #F': 'FEC auto',
        },
        description: '1 is on, 0 off; an empty cell is a setting the driver does not report.',
      },
    ),
    table('FEC mode in use', [{ expr: `ethtrack_nic_fec_active{${DEV}}` }], { w: 8, hide: ['Value'] }),
    currentAndMax(
      'Channels',
      'ethtrack_nic_channels',
      'Queues configured against the most the device allows (ethtool -l).',
    ),
    currentAndMax(
      'Rings',
      'ethtrack_nic_ring_size',
      'Descriptors per ring against the most the device allows (ethtool -g). An rx ring below its maximum while the NIC misses packets fires EthtrackNICRxRingBelowMaxWhileDropping.',
    ),
    timeseries('Coalescing delay', [{ expr: `ethtrack_nic_coalesce_delay_seconds{${DEV}}`, legendFormat: BY_TYPE }], {
      unit: 's',
      min: 0,
      w: 8,
      description: 'ethtool -c: how long the NIC waits before an interrupt.',
    }),
    timeseries('Coalescing frames', [{ expr: `ethtrack_nic_coalesce_frames{${DEV}}`, legendFormat: BY_TYPE }], {
      min: 0,
      w: 8,
      description: 'ethtool -c: how many frames the NIC gathers before an interrupt.',
    }),
    table('Adaptive coalescing', [{ expr: `ethtrack_nic_coalesce_adaptive{${DEV}}` }], {
      w: 8,
      rename: { Value: 'adaptive (1 on)' },
    }),
    timeseries(
      'Pause frames',
      [
        { expr: `rate(ethtrack_nic_pause_rx_frames_total{${DEV}}[${RATE}])`, legendFormat: `${BY_DEVICE} received` },
        { expr: `rate(ethtrack_nic_pause_tx_frames_total{${DEV}}[${RATE}])`, legendFormat: `${BY_DEVICE} sent` },
      ],
      {
        unit: 'cps',
        min: 0,
        description:
          'Received: the link partner asks this host to stop sending. Sent: this host cannot keep up receiving.',
      },
    ),
    timeseries(
      'FEC blocks',
      [
        {
          expr: `rate(ethtrack_nic_fec_corrected_blocks_total{${DEV}}[${RATE}])`,
          legendFormat: `${BY_DEVICE} corrected`,
        },
        {
          expr: `rate(ethtrack_nic_fec_uncorrectable_blocks_total{${DEV}}[${RATE}])`,
          legendFormat: `${BY_DEVICE} uncorrectable`,
        },
      ],
      {
        unit: 'cps',
        min: 0,
        description: 'Corrected blocks cost nothing; uncorrectable ones lose frames (EthtrackNICFECUncorrectable).',
      },
    ),
    moduleReading(
      'Module temperature',
      'ethtrack_nic_module_temperature_celsius',
      'ethtrack_nic_module_temperature_threshold_celsius',
      'celsius',
      8,
      false,
    ),
    moduleReading(
      'Module supply voltage',
      'ethtrack_nic_module_voltage_volts',
      'ethtrack_nic_module_voltage_threshold_volts',
      'volt',
      8,
      false,
    ),
    moduleReading(
      'Laser bias',
      'ethtrack_nic_module_laser_bias_amperes',
      'ethtrack_nic_module_laser_bias_threshold_amperes',
      'amp',
      8,
      true,
    ),
    opticalPower('Transmit optical power', 'tx'),
    opticalPower('Receive optical power', 'rx'),
    stat('Stale modules', [{ expr: `count(ethtrack_nic_module_stale{${DEV}} == 1) or vector(0)` }], {
      w: 4,
      description: 'Modules whose last read failed or timed out; older values are served.',
      thresholds: [
        { color: 'green', value: null },
        { color: 'orange', value: 1 },
      ],
    }),
    table('Modules', [{ expr: `ethtrack_nic_module_info{${DEV}}` }], { w: 8, hide: ['Value'] }),
    timeseries(
      'Age of module readings',
      [
        {
          expr: `time() - ethtrack_nic_module_last_read_timestamp_seconds{${DEV}}`,
          legendFormat: BY_DEVICE,
        },
      ],
      {
        unit: 's',
        min: 0,
        w: 12,
        description: 'Modules are read every 5 minutes by default (--collector.ethtool.module-schedule).',
      },
    ),
  ];
}
