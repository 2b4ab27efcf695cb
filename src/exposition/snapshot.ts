// A collector's latest families, rendered once per cycle; compressed only when
// a scraper asks for gzip, and then once per cycle, so a scrape only writes
// bytes. Compressed pieces are spliced into one gzip member per scrape
// (gzip-splice.ts). A family written in segments is compressed a piece per
// segment, and a segment that did not change since the last cycle is not
// compressed again.

import zlib from 'node:zlib';
import { familyHeader, type MetricMeta, type RenderedFamily } from './family';
import {
  type Crc,
  combine,
  crcOf,
  deflatePiece,
  deflatePieceAsync,
  EMPTY_CRC,
  FINAL_BLOCK,
  gzipFrame,
} from './gzip-splice';
import type { TextBuffer } from './text-buffer';

/** Runs work the snapshot does for its collector (compression), so its CPU can be charged to it. */
export type ChargeWork = <T>(work: () => Promise<T>) => Promise<T>;

/** Compressed pieces of the family headers, which only change with the metric's name and help. */
const headerPieces = new Map<string, Buffer>();

/** CRCs of the family headers, computed once each. */
const headerCrcs = new WeakMap<Buffer, Crc>();

function headerCrc(header: Buffer): Crc {
  let crc = headerCrcs.get(header);
  if (!crc) {
    crc = crcOf([header]);
    headerCrcs.set(header, crc);
  }
  return crc;
}

function headerPiece(header: Buffer): Buffer {
  const key = header.toString('latin1');
  let piece = headerPieces.get(key);
  if (!piece) {
    piece = deflatePiece(header);
    headerPieces.set(key, piece);
  }
  return piece;
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

interface Segment {
  start: number;
  end: number;
  key: string;
  same: boolean;
}

interface Chunk {
  meta: MetricMeta;
  text: Buffer;
  openMetrics: Buffer;
  /** The sample lines; undefined once dropped for a gzip-only snapshot (inflated again if asked for). */
  body: Buffer | undefined;
  /** The body's CRC-32, once compressed. */
  bodyCrc?: Crc;
  /** A segmented body (TextBuffer.endSegment): one compressed piece per segment. */
  segments?: Segment[];
  cycle: number;
  previousCycle: number;
}

/** A compressed family: its pieces, those of a segmented one by segment key, and the writer's cycle. */
interface Members {
  cycle: number;
  byKey: Map<string, Buffer>;
  pieces: Buffer[];
}

/**
 * A job's latest families, rendered once. Sample lines are shared by both
 * formats; only the headers differ, so each family keeps one body and two
 * small headers, and one compressed piece of its body serves both formats.
 * A segmented body gets a piece per segment, and a segment its writer marks
 * as unchanged since the previous snapshot reuses that snapshot's piece
 * instead of compressing it again (the idle devices of a node). Nothing of
 * the collector's own objects is retained.
 */
export class Snapshot {
  private readonly chunks: Chunk[] = [];
  private readonly lent: TextBuffer[] = [];
  private gzippedBodies: Promise<Buffer[][]> | undefined;
  /** The previous snapshot's pieces, until this one is compressed (never a chain of snapshots). */
  private reusable: Map<MetricMeta, Members> | undefined;
  /** This snapshot's pieces, once compressed, for the next one (and to inflate a dropped body). */
  private members: Map<MetricMeta, Members> | undefined;
  /** A scrape asked for this snapshot gzipped: the runner then compresses the next one within its cycle. */
  gzipAsked = false;
  /**
   * A scrape asked for this snapshot as text. When neither it nor the
   * previous snapshot was, only gzip scrapers are around (Prometheus): once
   * compressed, the snapshot lets go of its large text buffers, so the
   * collector writes its next cycle into the same one instead of a second.
   */
  textAsked = false;
  private readonly keepText: boolean;
  /** The snapshot still holds its lent buffers (until retired, or dropped for gzip only). */
  private holding = true;
  /** Some lent buffer is an unsegmented body. */
  private lendsWholeBodies = false;
  /** How many samples (series) the snapshot serves: one per line of the bodies, counted once here. */
  readonly series: number = 0;
  private crcText: Crc | undefined;
  private crcOpenMetrics: Crc | undefined;
  /** Segments compressed and reused by the last compress(), for tests. */
  segmentsCompressed = 0;
  segmentsReused = 0;

  constructor(
    families: readonly RenderedFamily[],
    readonly takenAt: number,
    private readonly charge: ChargeWork = (work) => work(),
    previous?: Snapshot,
  ) {
    this.reusable = previous?.members;
    // Keep the text while text scrapers are around. With no history, don't: the runner compresses a
    // first snapshot at once, so that the collector's next cycle can write the same buffer (a second
    // one would be garbage V8 need not collect for hours); a first plain scrape inflates it.
    this.keepText = previous?.textAsked ?? false;
    for (const family of families) {
      let body: Buffer;
      let lines: number;
      let segments: Segment[] | undefined;
      let cycle = 0;
      let previousCycle = 0;
      if (typeof family.body === 'string') {
        body = Buffer.from(family.body);
        lines = countLines(body);
      } else {
        const buffer = family.body;
        body = buffer.view();
        lines = buffer.lines;
        buffer.holders++;
        this.lent.push(buffer);
        if (buffer.segmentEnds.length === 0) this.lendsWholeBodies = true;
        else {
          segments = segmentsOf(buffer);
          cycle = buffer.cycle;
          previousCycle = buffer.previousCycle;
        }
      }
      if (body.length === 0) continue;
      this.series += lines;
      this.chunks.push({ meta: family.meta, ...headersOf(family.meta), body, segments, cycle, previousCycle });
    }
  }

  /**
   * Holds the snapshot's buffers for a response still writing them; returns
   * what lets go of them. A gzip-only snapshot that dropped its text holds
   * nothing a response writes, so it holds nothing back from the collector.
   */
  retain(): () => void {
    if (!this.holding) return () => undefined;
    this.hold();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  private hold(): void {
    for (const buffer of this.lent) buffer.holders++;
  }

  private release(): void {
    for (const buffer of this.lent) buffer.holders--;
  }

  /** The snapshot is no longer served: it lets go of its buffers (once; responses still writing hold their own). */
  retire(): void {
    if (!this.holding) return;
    this.holding = false;
    this.release();
  }

  /** The rendered families in one format, as buffers to write in order. */
  parts(openMetrics: boolean): Buffer[] {
    this.textAsked = true;
    const parts: Buffer[] = [];
    for (const chunk of this.chunks) parts.push(openMetrics ? chunk.openMetrics : chunk.text, this.body(chunk));
    return parts;
  }

  /** A chunk's lines; a dropped body is inflated from its pieces (once, then kept for this snapshot). */
  private body(chunk: Chunk): Buffer {
    if (!chunk.body) {
      const pieces = this.members?.get(chunk.meta)?.pieces ?? [];
      chunk.body = zlib.inflateRawSync(Buffer.concat([...pieces, FINAL_BLOCK]));
    }
    return chunk.body;
  }

  /** A chunk's compressed pieces: one for a plain body, one per segment (reused where unchanged). */
  private compressChunk(chunk: Chunk, gzip: (bytes: Buffer) => Promise<Buffer>): Promise<Buffer[]> {
    const { segments } = chunk;
    const body = this.body(chunk);
    if (!segments) return gzip(body).then((member) => [member]);
    const prior = this.reusable?.get(chunk.meta);
    const usable = prior !== undefined && chunk.previousCycle !== 0 && prior.cycle === chunk.previousCycle;
    return Promise.all(
      segments.map((segment) => {
        const member = usable && segment.same ? prior.byKey.get(segment.key) : undefined;
        if (member) {
          this.segmentsReused++;
          return member;
        }
        this.segmentsCompressed++;
        return gzip(body.subarray(segment.start, segment.end));
      }),
    );
  }

  /** Compresses the bodies (once; off the event loop, in zlib's thread pool). */
  compress(): Promise<Buffer[][]> {
    if (!this.gzippedBodies) {
      // zlib reads the bodies from its threads: they must not be rewritten meanwhile.
      this.hold();
      const gzip = limitedGzip();
      const compressed = this.charge(() =>
        Promise.all(this.chunks.map((chunk) => this.compressChunk(chunk, gzip))).finally(() => this.release()),
      );
      this.gzippedBodies = compressed;
      compressed.then(
        (bodies) => {
          this.reusable = undefined;
          const members = new Map<MetricMeta, Members>();
          this.chunks.forEach((chunk, i) => {
            chunk.bodyCrc = crcOf([this.body(chunk)]);
            const byKey = new Map<string, Buffer>();
            chunk.segments?.forEach((segment, j) => {
              byKey.set(segment.key, bodies[i][j]);
            });
            members.set(chunk.meta, { cycle: chunk.cycle, byKey, pieces: bodies[i] });
          });
          this.members = members;
          if (!this.keepText && !this.textAsked) this.dropText();
        },
        // A failure is not cached: the next scrape tries again.
        () => {
          if (this.gzippedBodies === compressed) this.gzippedBodies = undefined;
        },
      );
    }
    return this.gzippedBodies;
  }

  /** Whether the snapshot lets go of its text once compressed (all its lent buffers are segmented). */
  get dropsText(): boolean {
    return this.holding && this.lent.length > 0 && !this.lendsWholeBodies;
  }

  /** Lets go of the lent (large, reusable) text buffers: what a gzip-only snapshot serves is compressed. */
  private dropText(): void {
    // Only segmented bodies are dropped (inflated back from their pieces): a snapshot that also lends a
    // whole body keeps holding, since that body is served from the buffer itself.
    if (!this.dropsText) return;
    for (const chunk of this.chunks) if (chunk.segments) chunk.body = undefined;
    this.retire();
  }

  /**
   * The rendered families in one format as compressed pieces, to write in
   * order inside a gzip frame (gzip-splice.ts), and the CRC of the bytes
   * they hold (computed once per format).
   */
  async gzip(openMetrics: boolean): Promise<{ pieces: Buffer[]; crc: Crc }> {
    this.gzipAsked = true;
    const bodies = await this.compress();
    const pieces: Buffer[] = [];
    this.chunks.forEach((chunk, i) => {
      pieces.push(headerPiece(openMetrics ? chunk.openMetrics : chunk.text), ...bodies[i]);
    });
    let crc = openMetrics ? this.crcOpenMetrics : this.crcText;
    if (!crc) {
      crc = EMPTY_CRC;
      for (const chunk of this.chunks) {
        crc = combine(crc, headerCrc(openMetrics ? chunk.openMetrics : chunk.text));
        crc = combine(crc, chunk.bodyCrc ?? crcOf([this.body(chunk)]));
      }
      if (openMetrics) this.crcOpenMetrics = crc;
      else this.crcText = crc;
    }
    return { pieces, crc };
  }

  /** The families in one format as one gzip member, for tests (a scrape frames every snapshot's pieces in one). */
  async gzipped(openMetrics: boolean): Promise<Buffer> {
    const { pieces, crc } = await this.gzip(openMetrics);
    return Buffer.concat(gzipFrame(pieces, crc));
  }
}

/**
 * zlib streams compressing at once, per snapshot: each holds about 300 KB of
 * deflate state while it runs, and a snapshot of 128 devices would otherwise
 * start 128 of them together (35 MB at once). zlib's thread pool has 4 threads.
 */
const GZIP_JOBS = 2;

/** deflatePieceAsync through a queue that runs at most GZIP_JOBS at a time. */
function limitedGzip(): (bytes: Buffer) => Promise<Buffer> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (bytes) => {
    if (running >= GZIP_JOBS) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await deflatePieceAsync(bytes);
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** A segmented buffer's non-empty segments, and what follows the last one as a segment that is never reused. */
function segmentsOf(buffer: TextBuffer): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  buffer.segmentEnds.forEach((end, i) => {
    if (end > start) segments.push({ start, end, key: buffer.segmentKeys[i], same: buffer.segmentSame[i] });
    start = end;
  });
  if (buffer.length > start) segments.push({ start, end: buffer.length, key: '', same: false });
  return segments;
}
