// Wires the parts together: helper supervisor, collectors and their runner,
// the GC loop, the HTTP and gRPC health servers; and takes them down again.

import type http from 'node:http';
import { COLLECTORS } from './collectors';
import type { CollectorDefinition } from './collectors/collector';
import { buildJobs, DISABLE_DEFAULTS } from './collectors/registry';
import { Runner } from './collectors/runner';
import type { Config } from './config';
import { SelfMetrics } from './exposition/self-metrics';
import { getBool, getNumber } from './flags';
import { GcLoop } from './gc/loop';
import { ConntrackPruner } from './gc/prune';
import { HelperSupervisor } from './helper-client/supervisor';
import type { Logger } from './logger';
import { BasicAuth } from './serving/basic-auth';
import { collectorService, HELPER_SERVICE, HealthServer } from './serving/health-server';
import { boundPort, createApp, listen } from './serving/http-server';
import { VERSION } from './version';

export class Ethtrack {
  readonly metrics = new SelfMetrics();
  readonly supervisor: HelperSupervisor;
  readonly runner: Runner;
  readonly gc: GcLoop;
  readonly health = new HealthServer();
  private server: http.Server | undefined;
  private readonly auth: BasicAuth;
  private healthTimer: NodeJS.Timeout | undefined;
  private countedRestarts = 0;
  private readyLogged = false;

  constructor(
    readonly config: Config,
    private readonly logger: Logger,
    collectors: readonly CollectorDefinition[] = COLLECTORS,
  ) {
    const { spawn, path: helperPath, socket, timeoutMs } = config.helper;
    this.supervisor = new HelperSupervisor({ spawn, helperPath, socket, timeoutMs, logger });
    this.gc = new GcLoop(config.gc.intervalMs, this.metrics, logger);
    const jobs = buildJobs(collectors, config.flags, { logger, gc: this.gc });
    if (config.gc.prune !== 'off') {
      const pruner = new ConntrackPruner(
        {
          mode: config.gc.prune,
          threshold: config.gc.threshold,
          maxPerCycle: config.gc.maxPerCycle,
          deadlineMs: getNumber(config.flags, 'collector.conntrack.dump-timeout'),
        },
        () => this.supervisor.helper,
        this.metrics,
        logger,
      );
      this.gc.register('kernel', `--gc.prune=${config.gc.prune}`, () => pruner.run());
    }
    this.auth = new BasicAuth(config.web?.basicAuthUsers ?? new Map(), logger);
    this.runner = new Runner(jobs, () => this.supervisor.helper, this.metrics, logger);
  }

  get httpPort(): number {
    return this.server ? boundPort(this.server) : 0;
  }

  notReadyReason(): string | undefined {
    if (!this.supervisor.isUp) return `helper is ${this.supervisor.state}: ${this.supervisor.lastError}`;
    const pending = this.runner.statuses.filter((job) => job.lastSuccess === undefined).map((job) => job.name);
    if (pending.length > 0) return `collectors without a successful cycle yet: ${pending.join(', ')}`;
    return undefined;
  }

  private refreshGauges(): void {
    const { metrics, supervisor } = this;
    metrics.helperUp.set(supervisor.isUp ? 1 : 0);
    metrics.helperMemory.set(supervisor.residentMemoryBytes);
    if (supervisor.restarts > this.countedRestarts) {
      metrics.helperRestarts.inc(supervisor.restarts - this.countedRestarts);
      this.countedRestarts = supervisor.restarts;
    }
    metrics.buildInfo.reset();
    metrics.buildInfo.set({ version: VERSION, helper_version: supervisor.version }, 1);
  }

  private refreshHealth(): void {
    this.health.set(HELPER_SERVICE, this.supervisor.isUp);
    for (const job of this.runner.statuses) {
      this.health.set(collectorService(job.name), job.lastSuccess !== undefined && job.lastError === undefined);
    }
    const ready = this.notReadyReason() === undefined;
    this.health.set('', ready);
    if (ready && !this.readyLogged) {
      // Once: the moment /readyz first answers 200, and how long the start took.
      this.readyLogged = true;
      this.logger.info('ready', { after_seconds: Number(process.uptime().toFixed(3)) });
    }
  }

  async start(): Promise<void> {
    const { config, logger } = this;
    const app = createApp({
      runner: this.runner,
      metrics: this.metrics,
      logger,
      telemetryPath: config.telemetryPath,
      auth: this.auth,
      maxRequests: config.limits.maxRequests,
      beforeScrape: () => this.refreshGauges(),
      notReadyReason: () => this.notReadyReason(),
      statusInfo: () => ({
        version: VERSION,
        helperVersion: this.supervisor.version,
        helperState: this.supervisor.state,
        helperError: this.supervisor.lastError,
        helperRestarts: this.supervisor.restarts,
        telemetryPath: config.telemetryPath,
        gc: this.gc.state,
        jobs: this.runner.statuses,
      }),
    });
    if (this.runner.statuses.length === 0) {
      logger.info('no collector enabled: serving only ethtrack’s own metrics', {
        disable_defaults: getBool(config.flags, DISABLE_DEFAULTS),
      });
    }
    // Listen first, so a port already in use fails (a ListenError, exit 2)
    // before a helper is spawned or anything else runs.
    await this.auth.start();
    this.server = await listen(app, config.listen, config.web, logger, {
      maxConnections: config.limits.maxHttpConnections,
      metrics: this.metrics,
    });
    await this.health.listen(config.grpcListen, config.limits.maxGrpcConnections, logger, (reason) =>
      this.metrics.refused.inc({ listener: 'grpc', reason }),
    );
    this.refreshGauges();
    this.refreshHealth();
    this.runner.on('cycle', () => this.refreshHealth());
    this.healthTimer = setInterval(() => this.refreshHealth(), 1000);
    this.healthTimer.unref();

    this.supervisor.start();
    // Collectors whose first cycle found the helper down run again as soon as it is up.
    this.supervisor.on('state', (state) => {
      if (state === 'up') void this.runner.runAll();
      this.refreshHealth();
    });
    await this.supervisor.waitUntilUp(Math.max(2000, config.helper.timeoutMs));
    this.runner.start();
    this.gc.start();
    logger.info('listening', {
      address: `${config.listen.host}:${this.httpPort}`,
      grpc_health: `${config.grpcListen.host}:${this.health.port}`,
      tls: config.web?.tls !== undefined,
    });
  }

  /** Graceful stop: in-flight scrapes complete, collectors finish, the helper is stopped. */
  async stop(): Promise<void> {
    clearInterval(this.healthTimer);
    const closed = new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
    await this.runner.stop();
    await this.gc.stop();
    await this.supervisor.stop();
    await this.health.stop();
    await this.auth.stop();
    const forced = setTimeout(() => this.server?.closeAllConnections(), 3000);
    await closed;
    clearTimeout(forced);
  }
}
