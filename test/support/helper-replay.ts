// Helper replies recorded once from a real helper and replayed without one,
// so collectors can be tested by any user (node_exporter's
// collector/fixtures/ is the model). RecordingHelper is a gRPC client of the
// real helper that keeps every reply as the bytes the helper sent;
// ReplayHelper answers the same calls from those bytes under
// test/fixtures/helper-replies/, decoded by the client's own decoders. Both
// implement HelperApi, the type the collectors take.

import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
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
  ListInterfacesReply,
  ModuleEepromReply,
  StandardStatsReply,
  StatsQuery,
} from '../../src/helper-client/api';
import type { HelperApi, LinkWatch, LinkWatchHandlers } from '../../src/helper-client/calls';
import { HelperCallError, helperService } from '../../src/helper-client/client';
import { PATHS } from '../../src/paths';

export const REPLIES_DIR = path.join(PATHS.testFixtures, 'helper-replies');
const MANIFEST = 'calls.json';

/** One call as a collector made it: the request, and the reply messages (a stream has several). */
export interface RecordedCall {
  rpc: string;
  request: unknown;
  /** Files under the replies directory, one encoded message each. */
  replies: string[];
}

/** calls.json: the calls, and the facts of the recorded node a replay needs. */
export interface Recording {
  recordedAt: string;
  kernel: string;
  helperVersion: string;
  /** The recorded namespace's addresses: the flows collector's "this node". */
  localAddresses: string[];
  calls: RecordedCall[];
}

/** JSON with sorted keys, so a request matches however its object was built. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** A watch that ends at once, refused, as a helper older than WatchLinks refuses it. */
function refusedWatch(handlers: LinkWatchHandlers): LinkWatch {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) handlers.ended(new HelperCallError('WatchLinks', grpc.status.UNIMPLEMENTED, 'not recorded'));
  });
  return {
    cancel: () => {
      cancelled = true;
    },
  };
}

const callKey = (rpc: string, request: unknown) => `${rpc} ${canonical(request)}`;

function decode<T>(rpc: string, bytes: Buffer): T {
  return helperService()[rpc].responseDeserialize(bytes) as T;
}

export class ReplayHelper implements HelperApi {
  readonly recording: Recording;
  /** RPCs to fail instead of replaying (a stand-in for a kernel or helper that cannot answer them), by RPC name. */
  readonly failures = new Map<string, Error>();
  private readonly calls = new Map<string, RecordedCall[]>();
  private readonly used = new Map<string, number>();

  constructor(private readonly dir = REPLIES_DIR) {
    this.recording = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Recording;
    for (const call of this.recording.calls) {
      const key = callKey(call.rpc, call.request);
      this.calls.set(key, [...(this.calls.get(key) ?? []), call]);
    }
  }

  /** The replies to a call made with this request; repeated calls get later recordings, then the last again. */
  private replies(rpc: string, request: unknown): Buffer[] {
    const failure = this.failures.get(rpc);
    if (failure) throw failure;
    const key = callKey(rpc, request);
    const recorded = this.calls.get(key);
    if (!recorded) {
      const known = this.recording.calls.filter((call) => call.rpc === rpc).map((call) => canonical(call.request));
      throw new Error(
        `no recorded ${rpc} reply for request ${canonical(request)} (recorded: ${known.join('; ') || 'none'}); ` +
          'a collector asks for something new: re-record with `npm run fixtures:record` as root',
      );
    }
    const index = this.used.get(key) ?? 0;
    this.used.set(key, index + 1);
    return recorded[Math.min(index, recorded.length - 1)].replies.map((file) =>
      fs.readFileSync(path.join(this.dir, file)),
    );
  }

  private one(rpc: string, request: unknown): Buffer {
    const [reply] = this.replies(rpc, request);
    return reply;
  }

  async info(): Promise<HelperInfo> {
    return decode('GetInfo', this.one('GetInfo', {}));
  }

  async check(service = ''): Promise<string> {
    this.replies('Health/Check', { service }); // not recorded: throws with the reason
    return 'UNKNOWN';
  }

  async listInterfaces(): Promise<ListInterfacesReply> {
    return decode('ListInterfaces', this.one('ListInterfaces', {}));
  }

  async ethtoolStats(queries: StatsQuery[]): Promise<EthtoolStatsReply> {
    return decode('GetEthtoolStats', this.one('GetEthtoolStats', { queries }));
  }

  async ethtoolStatsEncoded(queries: StatsQuery[]): Promise<Buffer> {
    return this.one('GetEthtoolStats', { queries });
  }

  async ethtoolSettings(request: EthtoolSettingsRequest): Promise<EthtoolSettingsReply> {
    return decode('GetEthtoolSettings', this.one('GetEthtoolSettings', request));
  }

  async standardStats(groups: number): Promise<StandardStatsReply> {
    return decode('GetStandardStats', this.one('GetStandardStats', { groups }));
  }

  async moduleEeprom(device: string, pages: EepromPage[], deadlineMs: number): Promise<ModuleEepromReply> {
    return decode('GetModuleEeprom', this.one('GetModuleEeprom', { interface: device, pages, deadlineMs }));
  }

  async conntrackSummary(perCpu = false): Promise<ConntrackSummary> {
    return decode('GetConntrackSummary', this.one('GetConntrackSummary', { perCpu }));
  }

  async conntrackBreakdown(deadlineMs: number): Promise<ConntrackBreakdown> {
    return decode('GetConntrackBreakdown', this.one('GetConntrackBreakdown', { deadlineMs }));
  }

  async conntrackDelete(request: ConntrackDeleteRequest): Promise<ConntrackDeleteReply> {
    return decode('DeleteConntrack', this.one('DeleteConntrack', request));
  }

  async getFlows(generation: number, deadlineMs: number): Promise<FlowsReply> {
    return decode('GetFlows', this.one('GetFlows', { generation, deadlineMs }));
  }

  async evictFlows(): Promise<EvictFlowsReply> {
    return decode('EvictFlows', this.one('EvictFlows', {}));
  }

  /** A recording holds no link notifications. */
  watchLinks(handlers: LinkWatchHandlers): LinkWatch {
    return refusedWatch(handlers);
  }

  async *dumpConntrackEncoded(batchSize: number, deadlineMs: number): AsyncGenerator<Buffer> {
    for (const batch of this.replies('DumpConntrack', { batchSize, deadlineMs })) yield batch;
  }

  async *dumpConntrack(batchSize: number, deadlineMs: number): AsyncGenerator<ConntrackEntryBatch> {
    for await (const batch of this.dumpConntrackEncoded(batchSize, deadlineMs)) {
      yield decode<ConntrackEntryBatch>('DumpConntrack', batch);
    }
  }
}

const keepEncoded = (bytes: Buffer): Buffer => bytes;

/** A client of the real helper that records what it is asked and the bytes it answers. */
export class RecordingHelper implements HelperApi {
  readonly calls: { rpc: string; request: unknown; replies: Buffer[] }[] = [];
  private readonly client: grpc.Client;

  constructor(
    address: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
    });
  }

  close(): void {
    this.client.close();
  }

  private unary(rpc: string, request: object): Promise<Buffer> {
    const method = helperService()[rpc];
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        keepEncoded,
        request,
        { deadline: Date.now() + this.timeoutMs },
        (err, reply) => {
          if (err || !reply) return reject(new HelperCallError(rpc, err?.code, err?.details ?? 'no reply'));
          this.calls.push({ rpc, request, replies: [reply] });
          resolve(reply);
        },
      ),
    );
  }

  info(): Promise<HelperInfo> {
    return this.unary('GetInfo', {}).then((bytes) => decode('GetInfo', bytes));
  }

  async check(): Promise<string> {
    throw new Error('Health/Check is not recorded');
  }

  listInterfaces(): Promise<ListInterfacesReply> {
    return this.unary('ListInterfaces', {}).then((bytes) => decode('ListInterfaces', bytes));
  }

  ethtoolStats(queries: StatsQuery[]): Promise<EthtoolStatsReply> {
    return this.ethtoolStatsEncoded(queries).then((bytes) => decode('GetEthtoolStats', bytes));
  }

  ethtoolStatsEncoded(queries: StatsQuery[]): Promise<Buffer> {
    return this.unary('GetEthtoolStats', { queries });
  }

  ethtoolSettings(request: EthtoolSettingsRequest): Promise<EthtoolSettingsReply> {
    return this.unary('GetEthtoolSettings', request).then((bytes) => decode('GetEthtoolSettings', bytes));
  }

  standardStats(groups: number): Promise<StandardStatsReply> {
    return this.unary('GetStandardStats', { groups }).then((bytes) => decode('GetStandardStats', bytes));
  }

  moduleEeprom(device: string, pages: EepromPage[], deadlineMs: number): Promise<ModuleEepromReply> {
    return this.unary('GetModuleEeprom', { interface: device, pages, deadlineMs }).then((bytes) =>
      decode('GetModuleEeprom', bytes),
    );
  }

  conntrackSummary(perCpu = false): Promise<ConntrackSummary> {
    return this.unary('GetConntrackSummary', { perCpu }).then((bytes) => decode('GetConntrackSummary', bytes));
  }

  conntrackBreakdown(deadlineMs: number): Promise<ConntrackBreakdown> {
    return this.unary('GetConntrackBreakdown', { deadlineMs }).then((bytes) => decode('GetConntrackBreakdown', bytes));
  }

  conntrackDelete(request: ConntrackDeleteRequest): Promise<ConntrackDeleteReply> {
    return this.unary('DeleteConntrack', request).then((bytes) => decode('DeleteConntrack', bytes));
  }

  getFlows(generation: number, deadlineMs: number): Promise<FlowsReply> {
    return this.unary('GetFlows', { generation, deadlineMs }).then((bytes) => decode('GetFlows', bytes));
  }

  evictFlows(): Promise<EvictFlowsReply> {
    return this.unary('EvictFlows', {}).then((bytes) => decode('EvictFlows', bytes));
  }

  /** A recording holds no link notifications. */
  watchLinks(handlers: LinkWatchHandlers): LinkWatch {
    return refusedWatch(handlers);
  }

  async *dumpConntrackEncoded(batchSize: number, deadlineMs: number): AsyncGenerator<Buffer> {
    const method = helperService().DumpConntrack;
    const request = { batchSize, deadlineMs };
    const call = this.client.makeServerStreamRequest(method.path, method.requestSerialize, keepEncoded, request, {
      deadline: Date.now() + deadlineMs + this.timeoutMs,
    });
    const replies: Buffer[] = [];
    for await (const batch of call) {
      replies.push(batch as Buffer);
      yield batch as Buffer;
    }
    this.calls.push({ rpc: 'DumpConntrack', request, replies });
  }

  async *dumpConntrack(batchSize: number, deadlineMs: number): AsyncGenerator<ConntrackEntryBatch> {
    for await (const batch of this.dumpConntrackEncoded(batchSize, deadlineMs)) {
      yield decode<ConntrackEntryBatch>('DumpConntrack', batch);
    }
  }
}

/** Replaces the recorded replies in dir with these calls, one file per reply message. */
export function writeRecording(
  calls: RecordingHelper['calls'],
  facts: Omit<Recording, 'calls'>,
  dir = REPLIES_DIR,
): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const recorded: RecordedCall[] = calls.map((call, i) => {
    const stem = `${String(i + 1).padStart(2, '0')}-${call.rpc}`;
    const replies = call.replies.map((bytes, k) => {
      const file = call.replies.length === 1 ? `${stem}.bin` : `${stem}-${k + 1}.bin`;
      fs.writeFileSync(path.join(dir, file), bytes);
      return file;
    });
    return { rpc: call.rpc, request: call.request, replies };
  });
  const recording: Recording = { ...facts, calls: recorded };
  fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(recording, null, 2)}\n`);
}
