// The service's side of proto/: a grpc-js client for ethtrack-helper over its
// unix socket. Every call carries a deadline, so a frozen helper costs a
// collector one timeout, never a pile of waiting calls.

import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type {
  ConntrackBreakdown,
  ConntrackDeleteReply,
  ConntrackDeleteRequest,
  ConntrackEntryBatch,
  ConntrackSummary,
  EthtoolStatsReply,
  HelperInfo,
  ListInterfacesReply,
  StatsQuery,
} from './helper-api';

export const PROTO_DIR = path.resolve(__dirname, '..', '..', 'proto');

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  includeDirs: [PROTO_DIR],
};

// The first stats reply of a large host carries every stat name.
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

type UnaryCallback<T> = (err: grpc.ServiceError | null, value?: T) => void;
type UnaryMethod = (request: object, options: grpc.CallOptions, callback: UnaryCallback<unknown>) => void;

interface HelperStub extends grpc.Client {
  [method: string]: unknown;
}

let helperConstructor: grpc.ServiceClientConstructor | undefined;
let healthConstructor: grpc.ServiceClientConstructor | undefined;

function constructors(): { helper: grpc.ServiceClientConstructor; health: grpc.ServiceClientConstructor } {
  if (!helperConstructor || !healthConstructor) {
    const definition = protoLoader.loadSync(
      ['ethtrack/helper/v1/helper.proto', 'grpc/health/v1/health.proto'],
      LOADER_OPTIONS,
    );
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      ethtrack: { helper: { v1: { Helper: grpc.ServiceClientConstructor } } };
      grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
    };
    helperConstructor = loaded.ethtrack.helper.v1.Helper;
    healthConstructor = loaded.grpc.health.v1.Health;
  }
  return { helper: helperConstructor, health: healthConstructor };
}

/** An RPC's failure with the context an operator needs: which RPC and why. */
export class HelperCallError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: grpc.status | undefined,
    detail: string,
  ) {
    // grpc-js appends timings and addresses after a comma; they only add noise.
    super(`helper ${rpc}: ${code === grpc.status.DEADLINE_EXCEEDED ? 'deadline exceeded' : detail.split(',')[0]}`);
  }
}

export class HelperClient {
  private readonly helper: HelperStub;
  private readonly health: HelperStub;

  constructor(
    readonly address: string,
    private readonly timeoutMs: number,
  ) {
    const { helper, health } = constructors();
    const options: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': 4 * 1024 * 1024,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    };
    this.helper = new helper(address, grpc.credentials.createInsecure(), options) as HelperStub;
    this.health = new health(address, grpc.credentials.createInsecure(), {
      ...options,
      'grpc.max_receive_message_length': 64 * 1024,
    }) as HelperStub;
  }

  close(): void {
    this.helper.close();
    this.health.close();
  }

  private unary<T>(stub: HelperStub, rpc: string, request: object, timeoutMs = this.timeoutMs): Promise<T> {
    const method = stub[rpc.charAt(0).toLowerCase() + rpc.slice(1)] as UnaryMethod;
    return new Promise<T>((resolve, reject) => {
      method.call(stub, request, { deadline: Date.now() + timeoutMs }, (err, value) => {
        if (err) reject(new HelperCallError(rpc, err.code, err.details || err.message));
        else resolve(value as T);
      });
    });
  }

  info(): Promise<HelperInfo> {
    return this.unary(this.helper, 'GetInfo', {});
  }

  /** grpc.health.v1 Check against the helper; resolves to the serving status. */
  async check(service = ''): Promise<string> {
    const reply = await this.unary<{ status: string }>(this.health, 'Check', { service });
    return reply.status;
  }

  listInterfaces(): Promise<ListInterfacesReply> {
    return this.unary(this.helper, 'ListInterfaces', {});
  }

  ethtoolStats(queries: StatsQuery[]): Promise<EthtoolStatsReply> {
    return this.unary(this.helper, 'GetEthtoolStats', { queries });
  }

  /** GetEthtoolStats with the reply left encoded, for EthtoolStatsDecoder. */
  ethtoolStatsEncoded(queries: StatsQuery[]): Promise<Buffer> {
    const method = constructors().helper.service.GetEthtoolStats;
    return new Promise((resolve, reject) => {
      this.helper.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        (bytes: Buffer) => bytes,
        { queries },
        { deadline: Date.now() + this.timeoutMs },
        (err, value) => {
          if (err) reject(new HelperCallError('GetEthtoolStats', err.code, err.details || err.message));
          else resolve(value as Buffer);
        },
      );
    });
  }

  conntrackSummary(perCpu = false): Promise<ConntrackSummary> {
    return this.unary(this.helper, 'GetConntrackSummary', { perCpu });
  }

  /** The breakdown may run up to deadlineMs in the helper; the call waits a little longer. */
  conntrackBreakdown(deadlineMs: number): Promise<ConntrackBreakdown> {
    return this.unary(this.helper, 'GetConntrackBreakdown', { deadlineMs }, deadlineMs + this.timeoutMs);
  }

  conntrackDelete(request: ConntrackDeleteRequest): Promise<ConntrackDeleteReply> {
    return this.unary(this.helper, 'DeleteConntrack', request, request.deadlineMs + this.timeoutMs);
  }

  /** Streams the table as encoded ConntrackEntryBatch messages, for ConntrackDumpDecoder. */
  async *dumpConntrackEncoded(batchSize: number, deadlineMs: number): AsyncGenerator<Buffer> {
    const method = constructors().helper.service.DumpConntrack;
    const call = this.helper.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      (bytes: Buffer) => bytes,
      { batchSize, deadlineMs },
      { deadline: Date.now() + deadlineMs + this.timeoutMs },
    );
    try {
      for await (const batch of call) yield batch as Buffer;
    } catch (err) {
      const e = err as grpc.ServiceError;
      throw new HelperCallError('DumpConntrack', e.code, e.details || e.message);
    } finally {
      call.cancel();
    }
  }

  /** Streams the table in batches; the stream is cancelled if the consumer stops early. */
  async *dumpConntrack(batchSize: number, deadlineMs: number): AsyncGenerator<ConntrackEntryBatch> {
    const method = this.helper.dumpConntrack as (
      request: object,
      options: grpc.CallOptions,
    ) => grpc.ClientReadableStream<ConntrackEntryBatch>;
    const call = method.call(
      this.helper,
      { batchSize, deadlineMs },
      { deadline: Date.now() + deadlineMs + this.timeoutMs },
    );
    try {
      for await (const batch of call) yield batch as ConntrackEntryBatch;
    } catch (err) {
      const e = err as grpc.ServiceError;
      throw new HelperCallError('DumpConntrack', e.code, e.details || e.message);
    } finally {
      call.cancel();
    }
  }
}
