// A collector's latest families, rendered once per cycle in both exposition
// formats and gzipped on demand, so a scrape only writes bytes.

import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { familyHeader, type MetricMeta, type RenderedFamily } from './family';
import type { TextBuffer } from './text-buffer';

const gzip = promisify(zlib.gzip);
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
 * small headers. Nothing of the collector's own objects is retained.
 */
export class Snapshot {
  private readonly chunks: { text: Buffer; openMetrics: Buffer; body: Buffer }[] = [];
  private readonly lent: TextBuffer[] = [];
  private gzipped: [Promise<Buffer> | undefined, Promise<Buffer> | undefined] = [undefined, undefined];
  /** How many samples (series) the snapshot serves: one per line of the bodies, counted once here. */
  readonly series: number = 0;

  constructor(
    families: readonly RenderedFamily[],
    readonly takenAt: number,
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

  /** One gzip member per snapshot and format; members concatenate into a valid gzip stream. */
  gzip(openMetrics: boolean): Promise<Buffer> {
    const index = openMetrics ? 1 : 0;
    let member = this.gzipped[index];
    if (!member) {
      member = gzip(Buffer.concat(this.parts(openMetrics)), { level: 6 });
      this.gzipped[index] = member;
    }
    return member;
  }
}
