// The service's side of proto/: a grpc-js client for ethtrack-helper over its
// unix socket. Every call carries a deadline, so a frozen helper costs a
// collector one timeout, never a pile of waiting calls; the one exception is
// WatchLinks, a stream that lasts as long as the service wants it and holds
// no collector.
//
// Replies that mostly repeat from cycle to cycle (the interface list, the
// ethtool netlink settings and standard statistics) are decoded only when
// their bytes change: an unchanged reply is the same frozen object as last
// time, so a collector can keep what it rendered from it (reply-memo.ts).

import * as grpc from '@grpc/grpc-js';
import { PATHS } from '../paths';
import type {
  ConntrackBreakdown,
  ConntrackDeleteReply,
  ConntrackDeleteRequest,
  ConntrackEntryBatch,
  ConntrackSummary,
  EepromPage,
  EthtoolSettingsReply,
  EthtoolSettingsRequest,
  EthtoolStatsReply,
  EvictFlowsReply,
  FlowsReply,
  HelperInfo,
  LinkChanges,
  ListInterfacesReply,
  ModuleEepromReply,
  StandardStatsReply,
  StatsQuery,
} from './api';
import type { HelperApi, LinkWatch, LinkWatchHandlers } from './calls';
import { ReplyMemo } from './reply-memo';
import { serviceDefinition } from './service';

// The first stats reply of a large host carries every stat name.
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

const keepEncoded = (bytes: Buffer): Buffer => bytes;

/** proto/, for tests that parse it themselves. */
export const PROTO_DIR = PATHS.proto;

const SERVICES = { helper: 'ethtrack.helper.v1.Helper', health: 'grpc.health.v1.Health' } as const;

/** An RPC's failure with the context an operator needs: which RPC and why. */
/**
 * The helper's own words, whole; only grpc-js's decorations are trimmed: the
 * timings it lists after a deadline, and the resolver note it appends when
 * no connection could be made.
 */
export function helperErrorDetail(code: grpc.status | undefined, details: string): string {
  if (code === grpc.status.DEADLINE_EXCEEDED) return 'deadline exceeded';
  if (code === grpc.status.UNAVAILABLE) {
    const note = details.indexOf('. Resolution note:');
    if (note >= 0) return details.slice(0, note);
  }
  return details;
}

export class HelperCallError extends Error {
  readonly detail: string;

  constructor(
    readonly rpc: string,
    readonly code: grpc.status | undefined,
    details: string,
  ) {
    // The helper names the method in front of its own words ("Helper/GetInfo: ..."); said once is enough.
    const detail = helperErrorDetail(code, details).replace(/^(Helper|Health)\/\w+: /, '');
    super(`helper ${rpc}: ${detail}`);
    this.detail = detail;
  }

  /** The helper refused because the kernel lacks the subsystem (no nf_conntrack). */
  get subsystemMissing(): boolean {
    return this.code === grpc.status.FAILED_PRECONDITION;
  }
}

/**
 * The Helper service's methods (paths, serializers, proto-loader's decoders)
 * as this client uses them: recorded replies are decoded by the same code.
 */
export function helperService(): grpc.ServiceDefinition {
  return serviceDefinition(SERVICES.helper);
}

export class HelperClient implements HelperApi {
  private readonly helper: grpc.Client;
  /** Made on the first check(): the service itself never calls it, tests and tools do. */
  private healthClient: grpc.Client | undefined;
  private readonly options: grpc.ChannelOptions;
  private readonly memo = new ReplyMemo();

  constructor(
    readonly address: string,
    private readonly timeoutMs: number,
  ) {
    this.options = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': 4 * 1024 * 1024,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    };
    this.helper = new grpc.Client(address, grpc.credentials.createInsecure(), this.options);
  }

  private get health(): grpc.Client {
    this.healthClient ??= new grpc.Client(this.address, grpc.credentials.createInsecure(), {
      ...this.options,
      'grpc.max_receive_message_length': 64 * 1024,
    });
    return this.healthClient;
  }

  /**
   * Builds what the first call needs short of the connection (the service's
   * message types, GetInfo's encoder): ~11 ms, done while a spawned helper
   * starts rather than after it serves.
   */
  prepare(): void {
    helperService().GetInfo.requestSerialize({});
  }

  close(): void {
    this.helper.close();
    this.healthClient?.close();
  }

  /** One unary call; `decode` replaces proto-loader's decoding for the hand-decoded replies. */
  private unary<T>(
    service: 'helper' | 'health',
    rpc: string,
    request: object,
    timeoutMs = this.timeoutMs,
    decode?: (bytes: Buffer) => unknown,
  ): Promise<T> {
    const method = serviceDefinition(SERVICES[service])[rpc];
    return new Promise<T>((resolve, reject) => {
      this[service].makeUnaryRequest(
        method.path,
        method.requestSerialize,
        decode ?? method.responseDeserialize,
        request,
        { deadline: Date.now() + timeoutMs },
        (err, value) => {
          if (err) reject(new HelperCallError(rpc, err.code, err.details || err.message));
          else resolve(value as T);
        },
      );
    });
  }

  /** DumpConntrack's stream; cancelled if the consumer stops early. */
  private async *dump<T>(
    batchSize: number,
    deadlineMs: number,
    decode?: (bytes: Buffer) => unknown,
  ): AsyncGenerator<T> {
    const method = helperService().DumpConntrack;
    const call = this.helper.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      decode ?? method.responseDeserialize,
      { batchSize, deadlineMs },
      { deadline: Date.now() + deadlineMs + this.timeoutMs },
    );
    try {
      for await (const batch of call) yield batch as T;
    } catch (err) {
      const e = err as grpc.ServiceError;
      throw new HelperCallError('DumpConntrack', e.code, e.details || e.message);
    } finally {
      call.cancel();
    }
  }

  info(): Promise<HelperInfo> {
    return this.unary('helper', 'GetInfo', {});
  }

  /** grpc.health.v1 Check against the helper; resolves to the serving status. */
  async check(service = ''): Promise<string> {
    const reply = await this.unary<{ status: string }>('health', 'Check', { service });
    return reply.status;
  }

  /** A memoized reply's decoding: the same frozen object while the reply's bytes repeat. */
  private memoized<T>(rpc: string, request: object): Promise<T> {
    const decode = helperService()[rpc].responseDeserialize;
    const key = `${rpc} ${JSON.stringify(request)}`;
    return this.unary('helper', rpc, request, this.timeoutMs, (bytes) => this.memo.decode(key, bytes, decode));
  }

  listInterfaces(): Promise<ListInterfacesReply> {
    return this.memoized('ListInterfaces', {});
  }

  ethtoolStats(queries: StatsQuery[]): Promise<EthtoolStatsReply> {
    return this.unary('helper', 'GetEthtoolStats', { queries });
  }

  /** GetEthtoolStats with the reply left encoded, for EthtoolStatsDecoder. */
  ethtoolStatsEncoded(queries: StatsQuery[]): Promise<Buffer> {
    return this.unary('helper', 'GetEthtoolStats', { queries }, this.timeoutMs, keepEncoded);
  }

  ethtoolSettings(request: EthtoolSettingsRequest): Promise<EthtoolSettingsReply> {
    return this.memoized('GetEthtoolSettings', request);
  }

  standardStats(groups: number): Promise<StandardStatsReply> {
    return this.memoized('GetStandardStats', { groups });
  }

  /** The helper stops waiting at deadlineMs; the call waits a little longer. */
  moduleEeprom(device: string, pages: EepromPage[], deadlineMs: number): Promise<ModuleEepromReply> {
    return this.unary(
      'helper',
      'GetModuleEeprom',
      { interface: device, pages, deadlineMs },
      deadlineMs + this.timeoutMs,
    );
  }

  conntrackSummary(perCpu = false): Promise<ConntrackSummary> {
    return this.unary('helper', 'GetConntrackSummary', { perCpu });
  }

  /** The breakdown may run up to deadlineMs in the helper; the call waits a little longer. */
  conntrackBreakdown(deadlineMs: number): Promise<ConntrackBreakdown> {
    return this.unary('helper', 'GetConntrackBreakdown', { deadlineMs }, deadlineMs + this.timeoutMs);
  }

  conntrackDelete(request: ConntrackDeleteRequest & { deadlineMs: number }): Promise<ConntrackDeleteReply> {
    return this.unary('helper', 'DeleteConntrack', request, request.deadlineMs + this.timeoutMs);
  }

  /** One dump through the helper's flow table; like the breakdown, it may run up to deadlineMs. */
  getFlows(generation: number, deadlineMs: number): Promise<FlowsReply> {
    return this.unary('helper', 'GetFlows', { generation, deadlineMs }, deadlineMs + this.timeoutMs);
  }

  evictFlows(): Promise<EvictFlowsReply> {
    return this.unary('helper', 'EvictFlows', {});
  }

  /** Streams the table as encoded ConntrackEntryBatch messages, for ConntrackDumpDecoder. */
  dumpConntrackEncoded(batchSize: number, deadlineMs: number): AsyncGenerator<Buffer> {
    return this.dump(batchSize, deadlineMs, keepEncoded);
  }

  /**
   * WatchLinks, with no deadline: it runs until cancelled or the helper goes.
   * waitForReady: started while the helper is (re)starting, it waits for the
   * connection instead of failing.
   */
  watchLinks(handlers: LinkWatchHandlers): LinkWatch {
    const method = helperService().WatchLinks;
    const call = this.helper.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      {},
      new grpc.Metadata({ waitForReady: true }),
    );
    let over = false;
    const end = (code: grpc.status, details: string) => {
      if (over) return;
      over = true;
      handlers.ended(new HelperCallError('WatchLinks', code, details));
    };
    call.on('data', (changes: LinkChanges) => {
      if (!over) handlers.changes(changes);
    });
    call.on('error', (err: grpc.ServiceError) => end(err.code, err.details || err.message));
    call.on('end', () => end(grpc.status.UNAVAILABLE, 'the helper ended the watch'));
    return {
      cancel: () => {
        over = true;
        call.cancel();
      },
    };
  }

  /** Streams the table in decoded batches. */
  dumpConntrack(batchSize: number, deadlineMs: number): AsyncGenerator<ConntrackEntryBatch> {
    return this.dump(batchSize, deadlineMs);
  }
}
