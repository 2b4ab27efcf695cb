// Which part of src/ may import which, checked rather than remembered.
//
// Parts are the folders of src/; the root holds the entry (cli, app, config)
// and leaf modules every part may use (flags, logger, paths, version).
// Imports run one way: serving and gc sit on collectors, which sit on
// exposition and helper-client. A part may still name a narrow shape that
// another part declares for it (GcRegistration, the runner's status), as a
// type only: those edges are listed below, one by one.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { PATHS } from '../../src/paths';

const SRC = path.join(PATHS.root, 'src');
const LEAF = new Set(['flags', 'logger', 'paths', 'version']);

/** Part → the parts it may import values from (leaf modules are always allowed). */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  exposition: [],
  'helper-client': [],
  collectors: ['exposition', 'helper-client'],
  gc: ['exposition', 'helper-client'],
  serving: ['exposition'],
  'root:config': ['collectors', 'serving'],
  'root:app': ['collectors', 'exposition', 'helper-client', 'serving', 'gc', 'root:config'],
  'root:cli': ['root:app', 'root:config', 'serving'], // serving: ListenError, to exit 2 naming the flag
};

/** The narrow shapes one part declares for another: type-only, file to file. */
export const TYPE_ONLY_EDGES: readonly (readonly [string, string])[] = [
  ['gc/loop.ts', 'collectors/collector.ts'], // GcRegistration: what a collector asks of the GC loop
  ['serving/http-server.ts', 'collectors/runner.ts'], // the runner's snapshots and statuses
  ['serving/status-page.ts', 'collectors/runner.ts'], // JobStatus
  ['serving/status-page.ts', 'gc/loop.ts'], // GcState: what the status page shows of the GC loop
];

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.split(path.sep).includes('generated'))
    .map((name) => name.split(path.sep).join('/'))
    .sort();
}

function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(SRC, candidate))) return candidate;
  }
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

/** Every relative import and re-export of a file, with whether it carries types only. */
export function importsOf(file: string, text: string): Edge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const edges: Edge[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly)));
      const to = resolve(file, node.moduleSpecifier.text);
      if (to) edges.push({ from: file, to, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const to = resolve(file, node.moduleSpecifier.text);
      if (to) edges.push({ from: file, to, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      // import x = require('...')
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteralLike(expr)) {
        const to = resolve(file, expr.text);
        if (to) edges.push({ from: file, to, typeOnly: node.isTypeOnly });
      }
    } else if (ts.isImportTypeNode(node)) {
      // import('...').Shape used as a type
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteralLike(arg.literal)) {
        const to = resolve(file, arg.literal.text);
        if (to) edges.push({ from: file, to, typeOnly: true });
      }
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      // import('...') and require('...'); a specifier that is not a plain string cannot be checked, so it is refused.
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) {
        const to = resolve(file, arg.text);
        if (to) edges.push({ from: file, to, typeOnly: false });
      } else if (arg) {
        edges.push({ from: file, to: `<computed module specifier at ${file}>`, typeOnly: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

export function partOf(file: string): string {
  const [first, ...rest] = file.split('/');
  if (rest.length > 0) return first;
  const name = first.replace(/\.ts$/, '');
  return LEAF.has(name) ? `leaf:${name}` : `root:${name}`;
}

/** What is wrong with one edge, or undefined. */
export function violation(edge: Edge): string | undefined {
  if (edge.to.startsWith('<computed'))
    return `${edge.from} imports a module named at run time; name it with a string literal`;
  const from = partOf(edge.from);
  const to = partOf(edge.to);
  if (from === to) return undefined;
  if (to === 'root:app' && edge.from !== 'cli.ts') return `${edge.from} imports app.ts: only cli.ts may`;
  if (to.startsWith('leaf:')) return undefined;
  if (from.startsWith('leaf:')) return `${edge.from} is a leaf module and imports ${edge.to}`;
  if (edge.typeOnly && TYPE_ONLY_EDGES.some(([a, b]) => a === edge.from && b === edge.to)) return undefined;
  if (to.startsWith('root:') && !from.startsWith('root:')) return `${edge.from} (${from}) imports the entry ${edge.to}`;
  const allowed = ALLOWED[from];
  if (!allowed) return `${edge.from}: part ${from} has no import rule`;
  if (!allowed.includes(to)) return `${edge.from} (${from}) may not import ${edge.to} (${to})`;
  return undefined;
}

function allEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => importsOf(file, fs.readFileSync(path.join(SRC, file), 'utf8')));
}

describe('import direction in src/', () => {
  const edges = allEdges();

  it('every import follows the one direction between parts', () => {
    assert.ok(edges.length > 50, `only ${edges.length} imports found: is the parser reading src/?`);
    assert.deepEqual(
      edges.map(violation).filter((v) => v !== undefined),
      [],
    );
  });

  it('no two parts import each other, and no two files do', () => {
    const partEdges = new Set(edges.map((e) => `${partOf(e.from)}>${partOf(e.to)}`));
    const mutualParts = [...partEdges]
      .map((e) => e.split('>'))
      .filter(([a, b]) => a !== b && partEdges.has(`${b}>${a}`));
    assert.deepEqual(mutualParts, []);
    const fileEdges = new Set(edges.map((e) => `${e.from}>${e.to}`));
    const mutualFiles = edges.filter((e) => fileEdges.has(`${e.to}>${e.from}`)).map((e) => `${e.from} <> ${e.to}`);
    assert.deepEqual(mutualFiles, []);
  });

  it('every listed type-only edge still exists, so the list cannot rot', () => {
    for (const [from, to] of TYPE_ONLY_EDGES) {
      assert.ok(
        edges.some((e) => e.from === from && e.to === to && e.typeOnly),
        `${from} -> ${to} is listed but gone`,
      );
    }
  });

  it('catches a collector importing serving, helper-client importing collectors, and app imported from elsewhere', () => {
    const bad = [
      "import { startHttpServer } from '../serving/http-server';",
      "import { COLLECTORS } from '../collectors';",
      "import { startApp } from '../app';",
    ];
    assert.match(
      violation(importsOf('collectors/ethtool.ts', bad[0])[0]) ?? '',
      /collectors\/ethtool.ts \(collectors\) may not import serving\/http-server.ts/,
    );
    assert.match(violation(importsOf('helper-client/client.ts', bad[1])[0]) ?? '', /may not import collectors/);
    assert.match(violation(importsOf('serving/http-server.ts', bad[2])[0]) ?? '', /only cli.ts may/);
    assert.equal(violation({ from: 'gc/loop.ts', to: 'collectors/collector.ts', typeOnly: false }) !== undefined, true);
  });

  it('sees require(), import = require(), import types and template-literal import() too', () => {
    const forms = [
      "const hs = require('../serving/http-server');",
      "import hs = require('../serving/http-server');",
      "let deps: import('../serving/http-server').HttpDeps;",
      'const hs = import(`../serving/http-server`);',
    ];
    for (const form of forms) {
      const edges = importsOf('collectors/ethtool.ts', form);
      assert.equal(edges.length, 1, form);
      assert.equal(edges[0].to, 'serving/http-server.ts', form);
      assert.match(violation(edges[0]) ?? '', /may not import serving/, form);
    }
    const computed = importsOf('collectors/ethtool.ts', "const m = require('../serving/' + name);");
    assert.match(violation(computed[0]) ?? '', /named at run time/);
  });
});
