// The framework's own metrics, as prom-client objects: per-collector cycle
// results and CPU, helper health, build info, GC work, and prom-client's
// process metrics. Two registries share the same metric objects: one renders
// the Prometheus text format, the other OpenMetrics. prom-client's default
// metrics are created once and registered in both, so one event-loop monitor
// and one GC observer serve both formats.

import client from 'prom-client';

/**
 * How often prom-client's event-loop monitor samples the loop's delay (the
 * nodejs_eventloop_lag_*_seconds gauges). Its default, 10 ms, wakes the
 * process 100 times a second: on an idle service that alone was half of its
 * CPU (about 10 CPU seconds an hour). Ten samples a second still show a
 * blocked loop.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export class SelfMetrics {
  readonly text = new client.Registry();
  readonly openMetrics = new client.Registry<client.OpenMetricsContentType>();
  private readonly registers: client.Registry<client.RegistryContentType>[] = [this.text, this.openMetrics];

  readonly collectorDuration = this.gauge(
    'ethtrack_collector_duration_seconds',
    "Duration of the collector's last cycle.",
    ['collector'],
  );
  readonly collectorCpu = new client.Counter({
    name: 'ethtrack_collector_cpu_seconds_total',
    help: "CPU seconds the service spent on the collector's cycles and on compressing its series for scrapes.",
    labelNames: ['collector'],
    registers: this.registers,
  });
  readonly collectorSuccess = this.gauge(
    'ethtrack_collector_success',
    "Whether the collector's last cycle succeeded.",
    ['collector'],
  );
  readonly collectorLastSuccess = this.gauge(
    'ethtrack_collector_last_success_timestamp_seconds',
    "Unix time of the collector's last successful cycle.",
    ['collector'],
  );
  readonly helperUp = this.gauge('ethtrack_helper_up', 'Whether the privileged helper answers.', []);
  readonly helperRestarts = new client.Counter({
    name: 'ethtrack_helper_restarts_total',
    help: 'Times the spawned helper was restarted.',
    registers: this.registers,
  });
  readonly helperMemory = this.gauge('ethtrack_helper_resident_memory_bytes', 'Resident memory of the helper.', []);
  readonly buildInfo = this.gauge('ethtrack_build_info', 'Build information; value 1.', ['version', 'helper_version']);
  readonly gcEnabled = this.gauge('ethtrack_gc_enabled', 'Whether the conntrack GC loop runs.', []);
  readonly gcRuns = new client.Counter({
    name: 'ethtrack_gc_runs_total',
    help: 'GC cycles run, by table.',
    labelNames: ['table'],
    registers: this.registers,
  });
  readonly gcEvicted = new client.Counter({
    name: 'ethtrack_gc_evicted_total',
    help: 'Records evicted by GC, by table.',
    labelNames: ['table'],
    registers: this.registers,
  });
  readonly pruneCandidates = this.gauge(
    'ethtrack_gc_prune_candidates',
    'Kernel conntrack entries matching the prune rule in the last prune cycle.',
    ['protocol', 'state'],
  );
  readonly pruned = new client.Counter({
    name: 'ethtrack_gc_pruned_total',
    help: 'Kernel conntrack entries deleted by pruning.',
    labelNames: ['protocol', 'state'],
    registers: this.registers,
  });
  readonly refused = new client.Counter({
    name: 'ethtrack_connections_refused_total',
    help: 'Connections and requests turned away by a listener cap: evicted_idle (closed to admit a new one), refused_full, max_requests (503), auth_busy (429).',
    labelNames: ['listener', 'reason'],
    registers: this.registers,
  });

  constructor() {
    this.openMetrics.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
    const defaults = new client.Registry();
    client.collectDefaultMetrics({ register: defaults, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    // Gauges that prom-client names like counters; promtool rightly objects.
    for (const name of LINT_FAILING_DEFAULTS) defaults.removeSingleMetric(name);
    for (const metric of defaults.getMetricsAsArray() as unknown as client.Metric[]) {
      for (const register of this.registers) register.registerMetric(metric);
    }
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): client.Gauge<L> {
    return new client.Gauge({ name, help, labelNames, registers: this.registers });
  }

  /** Rendered self-metrics; for OpenMetrics without the closing `# EOF`. */
  async render(openMetrics: boolean): Promise<string> {
    if (!openMetrics) return this.text.metrics();
    const text = await this.openMetrics.metrics();
    return text.replace(/# EOF\n?$/, '');
  }
}
