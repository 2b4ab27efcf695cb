// A collector's latest families, rendered once per cycle; gzipped only when a
// scraper asks for gzip, and then once per cycle, so a scrape only writes bytes.

import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { familyHeader, type MetricMeta, type RenderedFamily } from './family';
import type { TextBuffer } from './text-buffer';

const gzipAsync = promisify(zlib.gzip);

/**
 * zlib's fastest level: on exposition text it compresses about 20 times, a
 * quarter worse than level 6 at a fifth of the CPU (74k series: 8 ms instead of 42).
 */
export const GZIP_OPTIONS: zlib.ZlibOptions = { level: zlib.constants.Z_BEST_SPEED };

/** Runs work the snapshot does for its collector (compression), so its CPU can be charged to it. */
export type ChargeWork = <T>(work: () => Promise<T>) => Promise<T>;

/** Gzip members of the family headers, which only change with the metric's name and help. */
const headerMembers = new Map<string, Buffer>();

function headerMember(header: Buffer): Buffer {
  const key = header.toString('latin1');
  let member = headerMembers.get(key);
  if (!member) {
    member = zlib.gzipSync(header, GZIP_OPTIONS);
    headerMembers.set(key, member);
  }
  return member;
}

const NEWLINE = 0x0a;

function countLines(body: Buffer): number {
  let lines = 0;
  for (let at = body.indexOf(NEWLINE); at !== -1; at = body.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

/** Both headers of a family, encoded once per metric (metas are module constants). */
const headers = new WeakMap<MetricMeta, { text: Buffer; openMetrics: Buffer }>();

function headersOf(meta: MetricMeta): { text: Buffer; openMetrics: Buffer } {
  let both = headers.get(meta);
  if (!both) {
    both = { text: Buffer.from(familyHeader(meta, false)), openMetrics: Buffer.from(familyHeader(meta, true)) };
    headers.set(meta, both);
  }
  return both;
}

/**
 * A job's latest families, rendered once. Sample lines are shared by both
 * formats; only the headers differ, so each family keeps one body and two
 * small headers, and one gzip member of its body serves both formats (gzip
 * members concatenate into a valid gzip stream). Nothing of the collector's
 * own objects is retained.
 */
export class Snapshot {
  private readonly chunks: { text: Buffer; openMetrics: Buffer; body: Buffer }[] = [];
  private readonly lent: TextBuffer[] = [];
  private gzippedBodies: Promise<Buffer[]> | undefined;
  /** A scrape asked for this snapshot gzipped: the runner then compresses the next one within its cycle. */
  gzipAsked = false;
  /** How many samples (series) the snapshot serves: one per line of the bodies, counted once here. */
  readonly series: number = 0;

  constructor(
    families: readonly RenderedFamily[],
    readonly takenAt: number,
    private readonly charge: ChargeWork = (work) => work(),
  ) {
    for (const family of families) {
      let body: Buffer;
      let lines: number;
      if (typeof family.body === 'string') {
        body = Buffer.from(family.body);
        lines = countLines(body);
      } else {
        body = family.body.view();
        lines = family.body.lines;
        family.body.holders++;
        this.lent.push(family.body);
      }
      if (body.length === 0) continue;
      this.series += lines;
      this.chunks.push({ ...headersOf(family.meta), body });
    }
  }

  /** Holds the snapshot's buffers for a response still writing them. */
  retain(): void {
    for (const buffer of this.lent) buffer.holders++;
  }

  release(): void {
    for (const buffer of this.lent) buffer.holders--;
  }

  /** The rendered families in one format, as buffers to write in order. */
  parts(openMetrics: boolean): Buffer[] {
    const parts: Buffer[] = [];
    for (const chunk of this.chunks) parts.push(openMetrics ? chunk.openMetrics : chunk.text, chunk.body);
    return parts;
  }

  /** Compresses the bodies (once; off the event loop, in zlib's thread pool). */
  compress(): Promise<Buffer[]> {
    if (!this.gzippedBodies) {
      const bodies = this.chunks.map((chunk) => chunk.body);
      // zlib reads the bodies from its threads: they must not be rewritten meanwhile.
      this.retain();
      const compressed = this.charge(() =>
        Promise.all(bodies.map((body) => gzipAsync(body, GZIP_OPTIONS))).finally(() => this.release()),
      );
      // A failure is not cached: the next scrape tries again.
      compressed.catch(() => {
        if (this.gzippedBodies === compressed) this.gzippedBodies = undefined;
      });
      this.gzippedBodies = compressed;
    }
    return this.gzippedBodies;
  }

  /** The rendered families in one format as gzip members, to write in order. */
  async gzip(openMetrics: boolean): Promise<Buffer[]> {
    this.gzipAsked = true;
    const bodies = await this.compress();
    const members: Buffer[] = [];
    this.chunks.forEach((chunk, i) => {
      members.push(headerMember(openMetrics ? chunk.openMetrics : chunk.text), bodies[i]);
    });
    return members;
  }
}
