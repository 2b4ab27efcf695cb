// grpc.health.v1 on a TCP port, for Kubernetes native gRPC probes. Services:
// "" (overall), "ethtrack.helper", and "ethtrack.collector.<name>".
// The listening socket is ours, not grpc-js's: grpc-js has no connection cap,
// so we accept, pass each socket through a ConnectionGuard and hand it to
// grpc-js with Server.createConnectionInjector. A bind failure is then a
// plain net error we can name the flag for, and grpc-js prints nothing.
// grpc-health-check is loaded when the first connection arrives: it parses
// its .proto with its own proto-loader (~50 ms and some MB of every start),
// and most services are never probed over gRPC. Statuses set before then are
// kept here and handed over; the first probe waits for the load, no longer.

import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type * as GrpcHealthCheck from 'grpc-health-check';
import type { HealthImplementation, ServingStatus } from 'grpc-health-check';
import type { ListenAddress } from '../flags';
import type { Logger } from '../logger';
import { ConnectionGuard, type GuardOutcome } from './connection-guard';
import { listenOn } from './listen';

const grpcHealthCheck = (): typeof GrpcHealthCheck => require('grpc-health-check');

export const HELPER_SERVICE = 'ethtrack.helper';
export const collectorService = (name: string): string => `ethtrack.collector.${name}`;

/**
 * grpc-js leaves idle connections open forever by default. A probe's
 * connection is done in milliseconds and a Watch keeps a stream open (so it
 * is not idle), hence one minute; keepalive pings find dead peers behind NAT.
 */
export const GRPC_SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_connection_idle_ms': 60_000,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.max_concurrent_streams': 100,
};

export class HealthServer {
  private health: HealthImplementation | undefined;
  private readonly server = new grpc.Server(GRPC_SERVER_OPTIONS);
  private listener: net.Server | undefined;
  private guard: ConnectionGuard | undefined;
  private injector: ReturnType<grpc.Server['createConnectionInjector']> | undefined;
  port = 0;

  private readonly statuses = new Map<string, ServingStatus>([
    ['', 'NOT_SERVING'],
    [HELPER_SERVICE, 'NOT_SERVING'],
  ]);

  /** Watchers hear only changes, as grpc.health.v1 Watch promises. */
  set(service: string, serving: boolean): void {
    const status: ServingStatus = serving ? 'SERVING' : 'NOT_SERVING';
    if (this.statuses.get(service) === status) return;
    this.statuses.set(service, status);
    this.health?.setStatus(service, status);
  }

  /** The grpc.health.v1 service, loaded and added before the first connection is handed to grpc-js. */
  private serveHealth(): void {
    if (this.health) return;
    const { HealthImplementation } = grpcHealthCheck();
    this.health = new HealthImplementation(Object.fromEntries(this.statuses));
    this.health.addToServer(this.server);
  }

  /** Binds (throwing a ListenError naming the flag), then serves. */
  async listen(
    address: ListenAddress,
    maxConnections: number,
    logger: Logger,
    count: (outcome: GuardOutcome) => void,
  ): Promise<void> {
    const injector = this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    this.injector = injector;
    const guard = new ConnectionGuard('grpc', 'grpc.max-connections', maxConnections, logger, count);
    this.guard = guard;
    const listener = net.createServer({ noDelay: true }, (socket) => {
      if (!guard.admit(socket)) return;
      this.serveHealth();
      injector.injectConnection(socket);
    });
    this.listener = listener;
    await listenOn(listener, address, 'grpc.listen-address');
    // An accept() failure (EMFILE) is logged, never an uncaught exception.
    listener.on('error', (err) => logger.error('gRPC listener error', { err: err.message }));
    this.port = (listener.address() as net.AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.listener?.close();
      this.injector?.drain(500);
      this.server.tryShutdown(() => resolve());
      setTimeout(() => {
        this.injector?.destroy();
        this.server.forceShutdown();
        this.guard?.destroyAll();
        resolve();
      }, 1000).unref();
    });
  }
}
