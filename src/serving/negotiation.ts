// Content negotiation by RFC 9110 §12.5: Accept and Accept-Encoding as lists
// of ranges with q-values. Parameter names are case-insensitive, q=0 means
// "not acceptable", and the most specific matching range sets a type's q.

interface Range {
  type: string;
  subtype: string;
  q: number;
}

/** q of one element's parameters; NaN-free, clamped to [0, 1]; 1 when absent. */
function qOf(params: readonly string[]): number {
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
    const q = Number(param.slice(eq + 1).trim());
    return Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 0;
  }
  return 1;
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  for (const element of header.split(',')) {
    const [media, ...params] = element.split(';');
    const [type, subtype] = media.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    ranges.push({ type, subtype, q: qOf(params) });
  }
  return ranges;
}

/** The q the header gives a media type: from its most specific matching range; 0 when none matches. */
function qualityOf(ranges: readonly Range[], type: string, subtype: string): number {
  let best = -1;
  let q = 0;
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : 0;
    if (specificity === 0 && !(range.type === '*' && range.subtype === '*')) continue;
    // Among ranges equally specific (openmetrics with two versions), the best q counts.
    if (specificity > best || (specificity === best && range.q > q)) {
      best = specificity;
      q = range.q;
    }
  }
  return q;
}

/**
 * OpenMetrics only when it is acceptable and strictly preferred to the text
 * format; otherwise the text format (also when nothing is acceptable: a
 * scraper that can read neither learns more from text than from a 406).
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return false;
  const ranges = parseAccept(accept);
  const openMetrics = qualityOf(ranges, 'application', 'openmetrics-text');
  const text = qualityOf(ranges, 'text', 'plain');
  return openMetrics > 0 && openMetrics > text;
}

/** gzip when it is acceptable (`*` counts) and not less preferred than an explicit identity. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  let gzip: number | undefined;
  let identity: number | undefined;
  let any: number | undefined;
  for (const element of acceptEncoding.split(',')) {
    const [coding, ...params] = element.split(';');
    const name = coding.trim().toLowerCase();
    const q = qOf(params);
    if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (name === 'identity') identity = q;
    else if (name === '*') any = q;
  }
  const gzipQ = gzip ?? any ?? 0;
  // identity loses to gzip unless the client lists it explicitly with a higher q.
  return gzipQ > 0 && gzipQ >= (identity ?? 0);
}
