// grpc.health.v1 on a TCP port, for Kubernetes native gRPC probes. Services:
// "" (overall), "ethtrack.helper", and "ethtrack.collector.<name>".

import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { ListenAddress } from '../flags';

export const HELPER_SERVICE = 'ethtrack.helper';
export const collectorService = (name: string): string => `ethtrack.collector.${name}`;

export class HealthServer {
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING', [HELPER_SERVICE]: 'NOT_SERVING' });
  private readonly server = new grpc.Server();
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

  async listen(address: ListenAddress): Promise<void> {
    const bind = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const target = host.includes(':') ? `[${host}]:${address.port}` : `${host}:${address.port}`;
        this.server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, port) =>
          err ? reject(err) : resolve(port),
        );
      });
    if (address.host !== '') {
      this.port = await bind(address.host);
      return;
    }
    // All addresses: dual-stack where the kernel has IPv6, IPv4 otherwise.
    try {
      this.port = await bind('::');
    } catch {
      this.port = await bind('0.0.0.0');
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.tryShutdown(() => resolve());
      setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 1000).unref();
    });
  }
}
