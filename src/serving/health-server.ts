// grpc.health.v1 on a TCP port, for Kubernetes native gRPC probes. Services:
// "" (overall), "ethtrack.helper", and "ethtrack.collector.<name>".
// The listening socket is ours, not grpc-js's: grpc-js has no connection cap,
// so we accept, pass each socket through a ConnectionGuard and hand it to
// grpc-js with Server.createConnectionInjector. A bind failure is then a
// plain net error we can name the flag for, and grpc-js prints nothing.

import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { ListenAddress } from '../flags';
import type { Logger } from '../logger';
import { ConnectionGuard, type GuardOutcome } from './connection-guard';
import { listenOn } from './listen';

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
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING', [HELPER_SERVICE]: 'NOT_SERVING' });
  private readonly server = new grpc.Server(GRPC_SERVER_OPTIONS);
  private listener: net.Server | undefined;
  private guard: ConnectionGuard | undefined;
  private injector: ReturnType<grpc.Server['createConnectionInjector']> | undefined;
  port = 0;

  constructor() {
    this.health.addToServer(this.server);
  }

  private readonly statuses = new Map<string, ServingStatus>();

  /** Watchers hear only changes, as grpc.health.v1 Watch promises. */
  set(service: string, serving: boolean): void {
    const status: ServingStatus = serving ? 'SERVING' : 'NOT_SERVING';
    if (this.statuses.get(service) === status) return;
    this.statuses.set(service, status);
    this.health.setStatus(service, status);
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
      if (guard.admit(socket)) injector.injectConnection(socket);
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
