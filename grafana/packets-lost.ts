// The "Where packets are lost" dashboard: the drop ledger
// (ethtrack:packets_lost:rate5m, deploy/prometheus/ethtrack-packets-lost.yml)
// stacked by layer, then a row per layer down to device, queue and CPU.

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardOf, type Item, queryVariable, row, table, timeseries } from './panels';

const SEL = 'job=~"$job", instance=~"$instance"';
const DEV = `${SEL}, device=~"$device"`;
const RATE = '$__rate_interval';
const LEDGER = 'ethtrack:packets_lost:rate5m';

function layerPanel(layer: string, title: string, description: string, w = 12): Item {
  return timeseries(
    title,
    [
      {
        expr: `sum by (instance, device, reason) (${LEDGER}{${SEL}, layer="${layer}"})`,
        legendFormat: '{{instance}} {{device}} {{reason}}',
      },
    ],
    { unit: 'pps', min: 0, stack: true, description, w },
  );
}

export function packetsLostDashboard(): Dashboard {
  const variables = [
    queryVariable('job', 'Job', 'ethtrack_build_info', 'job'),
    queryVariable('instance', 'Instance', 'ethtrack_build_info{job=~"$job"}', 'instance'),
    queryVariable('device', 'Device', `ethtrack_nic_receive_packets_total{${SEL}}`, 'device'),
  ];
  const items: Item[] = [
    row('The ledger'),
    timeseries('Packets lost by layer', [{ expr: `sum by (layer) (${LEDGER}{${SEL}})`, legendFormat: '{{layer}}' }], {
      unit: 'pps',
      min: 0,
      stack: true,
      w: 24,
      h: 9,
      description:
        'Every loss counter ethtrack exports, from the wire to the socket (recording rule ethtrack:packets_lost:rate5m). Pause frames are not loss: their share of link time is in the Wire and link row.',
    }),
    table('Where, now (top 20)', [{ expr: `topk(20, ${LEDGER}{${SEL}} > 0)` }], { w: 24, h: 7 }),
    row('Wire and link'),
    layerPanel(
      'wire',
      'Wire: FCS, alignment, symbol and length errors',
      'Frames received broken: the standard statistics where the device has them, else the kernel counters. Look at the cable, the module and FEC.',
    ),
    timeseries(
      'Pause share of link time (upper bound)',
      [
        {
          expr: `device:ethtrack_nic_pause_link_time:ratio_max5m{${DEV}}`,
          legendFormat: '{{instance}} {{device}} {{direction}}',
        },
      ],
      {
        unit: 'percentunit',
        min: 0,
        max: 1,
        description:
          'Pause frames times 65535 quanta of 512 bit times at the negotiated speed: an upper bound, since the standard statistics count frames, not quanta. rx: the peer pauses us; tx: we pause the peer (out of buffers).',
      },
    ),
    timeseries(
      'Link speed: negotiated and best common',
      [
        { expr: `ethtrack_nic_link_speed_bytes{${DEV}} * 8`, legendFormat: '{{instance}} {{device}} negotiated' },
        {
          expr: `ethtrack_nic_link_best_common_speed_bytes{${DEV}} * 8`,
          legendFormat: '{{instance}} {{device}} best both ends advertise',
        },
      ],
      {
        unit: 'bps',
        min: 0,
        description:
          'EthtrackNICLinkBelowBestCommonSpeed fires when the negotiated speed stays below the best common one.',
      },
    ),
    table('Why links are down', [{ expr: `ethtrack_nic_link_down_reason{${DEV}}` }], {
      w: 12,
      description: 'The extended link state the driver reports while a link is down (reason and sub-reason).',
    }),
    row('NIC'),
    layerPanel(
      'nic',
      'NIC: missed, fifo, over, dropped, driver discards',
      'missed: the NIC found no free buffer in the ring. Look at the ring size (ethtool -g) and the CPUs serving the queues.',
    ),
    timeseries(
      'Link flaps',
      [
        {
          expr: `increase(ethtrack_nic_carrier_down_changes_total{${DEV}}[${RATE}])`,
          legendFormat: '{{instance}} {{device}}',
        },
      ],
      { min: 0, description: 'Carrier losses, counted by the kernel: a flap between two scrapes still shows.' },
    ),
    row('Rings and queues'),
    layerPanel(
      'ring',
      'Ring drops by device and statistic',
      'Per-queue drop and discard statistics of the driver, summed over queues.',
    ),
    timeseries(
      'Queues with drops (top 10)',
      [
        {
          expr: `topk(10, sum by (instance, device, queue) (rate(ethtrack_nic_stat{${DEV}, queue!="", stat=~".*(drop|discard|no_buf|missed|out_of_buffer).*"}[${RATE}])) > 0)`,
          legendFormat: '{{instance}} {{device}} queue {{queue}}',
        },
      ],
      { unit: 'pps', min: 0 },
    ),
    timeseries(
      'Receive queue imbalance',
      [{ expr: `device:ethtrack_nic_queue_imbalance:ratio{${DEV}}`, legendFormat: '{{instance}} {{device}}' }],
      {
        min: 0,
        thresholdLines: true,
        thresholds: [
          { color: 'green', value: null },
          { color: 'orange', value: 4 },
        ],
        description:
          'Busiest queue over the mean of the others (EthtrackNICQueueImbalance fires above 4 for 15 minutes on 4+ queues).',
      },
    ),
    timeseries(
      'Queue interrupts per second',
      [
        {
          expr: `sum by (instance, device, queue) (rate(ethtrack_nic_queue_interrupts_total{${DEV}}[${RATE}]))`,
          legendFormat: '{{instance}} {{device}} q{{queue}}',
        },
      ],
      { unit: 'ops', min: 0 },
    ),
    table(
      'Queue → IRQ → CPU',
      [{ expr: `ethtrack_nic_queue_irq_info{${DEV}}` }, { expr: `ethtrack_nic_queue_irq_cpus{${DEV}}` }],
      { w: 24, h: 8, hide: ['Value #A'] },
    ),
    row('Backlog (softnet, per CPU)'),
    layerPanel(
      'backlog',
      'Backlog drops and flow limit',
      'The CPU input backlog was full: net.core.netdev_max_backlog, netdev_budget, RPS.',
    ),
    timeseries(
      'Backlog drops and time squeezes by CPU',
      [
        {
          expr: `sum by (instance, cpu) (rate(ethtrack_softnet_dropped_total{${SEL}}[${RATE}]))`,
          legendFormat: '{{instance}} cpu {{cpu}} dropped',
        },
        {
          expr: `sum by (instance, cpu) (rate(ethtrack_softnet_time_squeezed_total{${SEL}}[${RATE}]))`,
          legendFormat: '{{instance}} cpu {{cpu}} squeezed',
        },
      ],
      { unit: 'ops', min: 0 },
    ),
    row('Conntrack'),
    layerPanel(
      'conntrack',
      'Conntrack drops, early drops, failed inserts',
      'A full table (nf_conntrack_max) or the parallel-insert race.',
      24,
    ),
    row('Socket'),
    timeseries(
      'Socket-layer loss',
      [
        {
          expr: `sum by (instance, protocol, reason) (${LEDGER}{${SEL}, layer="socket"})`,
          legendFormat: '{{instance}} {{protocol}} {{reason}}',
        },
      ],
      {
        unit: 'pps',
        min: 0,
        stack: true,
        w: 24,
        description:
          'Receive buffer errors: the socket buffer (SO_RCVBUF, net.core.rmem_max). Listen overflows: the accept queue (somaxconn).',
      },
    ),
  ];
  return dashboardOf('ethtrack-packets-lost', 'ethtrack / Where packets are lost', variables, items);
}
