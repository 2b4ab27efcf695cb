// Imported before express. express 5 loads at once two dependencies
// ethtrack never calls: its entry copies json, raw, text and urlencoded from
// body-parser 2, which loads all four parsers (iconv-lite, raw-body,
// type-is, mime-db), and its utils load qs (with side-channel and
// get-intrinsic) for the "extended" query parser, which is not the default.
// Measured with a require timer, 56 ms and ~20 ms of the service's
// half-second start. So each module's entry is put in require.cache (which
// node documents as open to adding entries) as the same functions, each
// loading the real module when first called; express.json() and the others
// keep working, as a test checks.

import Module from 'node:module';
import path from 'node:path';

type Functions = Record<string, (...args: unknown[]) => unknown>;

/**
 * The module express resolves as `name`, in require.cache as a stand-in:
 * `functions` are lazy wrappers (express copies them at load, without
 * calling them); reading anything else from it, or calling it, loads the
 * real module (`load`: a require of `name` from here) and answers from that.
 * Left alone unless express and this file resolve `name` to one file.
 */
function lazyEntry(name: string, functions: readonly string[], load: () => unknown): void {
  const id = require.resolve(name, { paths: [path.dirname(require.resolve('express'))] });
  if (require.cache[id] || require.resolve(name) !== id) return;
  let real: Functions | undefined;
  const loadReal = (): Functions => {
    if (!real) {
      delete require.cache[id];
      real = load() as Functions;
    }
    return real;
  };
  const wrappers = new Map(functions.map((fn) => [fn, (...args: unknown[]) => loadReal()[fn](...args)] as const));
  const entry = new Module(id);
  entry.filename = id;
  entry.loaded = true;
  // A function target, so the stand-in is callable as body-parser's own export is.
  entry.exports = new Proxy(function lazyModule() {}, {
    get: (_target, key) => (typeof key === 'string' && wrappers.get(key)) || Reflect.get(loadReal(), key),
    has: (_target, key) => wrappers.has(key as string) || Reflect.has(loadReal(), key),
    apply: (_target, self, args) => Reflect.apply(loadReal() as unknown as (...a: unknown[]) => unknown, self, args),
  });
  require.cache[id] = entry;
}

lazyEntry('body-parser', ['json', 'raw', 'text', 'urlencoded'], () => require('body-parser'));
lazyEntry('qs', ['parse', 'stringify'], () => require('qs'));
