/**
 * The code's shape, counted from the TypeScript syntax of every source file outside test/ (and bench/
 * where said): type assertions (`as`, not `as const`), non-null assertions (`!`), functions over 70
 * lines, and the imports between shared/ domain folders. `npm run bench -- shape` prints it; the layers
 * test checks the imports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
// TypeScript 7 (the compiler) has no JavaScript API; its version 5 parses the same syntax.
import ts from 'typescript5';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['shared', 'functions', 'infra', 'web'];
/** TIGER_STYLE's limit: a function fits on a screen. */
export const MAX_FUNCTION_LINES = 70;

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

export interface FileShape {
  file: string;
  casts: number;
  nonNull: number;
  longFunctions: { name: string; lines: number }[];
  imports: string[];
  /** Packages it imports (bare specifiers). */
  packages: string[];
}

/** One file's assertions, long functions and relative imports (resolved to project paths). */
export function shapeOf(path: string): FileShape {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const shape: FileShape = {
    file: relative(ROOT, path),
    casts: 0,
    nonNull: 0,
    longFunctions: [],
    imports: [],
    packages: [],
  };
  const visit = (node: ts.Node) => {
    if (ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.getText() === 'const')) {
      shape.casts += 1;
    }
    if (ts.isTypeAssertionExpression(node)) shape.casts += 1;
    if (ts.isNonNullExpression(node)) shape.nonNull += 1;
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) shape.longFunctions.push({ name: functionName(node), lines });
    }
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const spec = (node.moduleSpecifier as ts.StringLiteral).text;
      if (spec.startsWith('.')) shape.imports.push(relative(ROOT, resolve(dirname(path), spec)));
      else shape.packages.push(spec);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return shape;
}

function functionName(node: ts.Node): string {
  if (ts.isConstructorDeclaration(node)) return `${node.parent.name?.getText() ?? 'class'} constructor`;
  const named = (node as { name?: ts.Node }).name;
  if (named) return named.getText();
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

/** The domain folder a shared/ path is in: `shared/cards/cards` is `cards`. */
const domainOf = (path: string) => (path.startsWith('shared/') ? path.split('/')[1] : undefined);

/** Edges between shared/ domain folders (a file of one importing a file of another). */
export function domainEdges(shapes: FileShape[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const shape of shapes) {
    const from = domainOf(shape.file);
    if (!from) continue;
    for (const to of shape.imports.map(domainOf)) {
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)?.add(to);
    }
  }
  return edges;
}

/** Strongly connected groups of more than one domain (Tarjan): each is an import cycle. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) connect(v);
  return found;
}

/** Every source file's shape (shared/, functions/, infra/). */
export const projectShapes = () => SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d))).map(shapeOf);

/** The whole project's counts. */
export function codeShape() {
  const shapes = projectShapes();
  const benchShapes = sourceFiles(join(ROOT, 'bench')).map(shapeOf);
  const sum = (key: 'casts' | 'nonNull', list = shapes) => list.reduce((n, s) => n + s[key], 0);
  const long = shapes.flatMap((s) => s.longFunctions.map((f) => `${s.file} ${f.name} (${f.lines})`));
  return {
    casts: sum('casts'),
    castsInShared: sum(
      'casts',
      shapes.filter((s) => s.file.startsWith('shared/')),
    ),
    nonNull: sum('nonNull'),
    castsInBench: sum('casts', benchShapes),
    longFunctions: long,
    domainCycles: cycles(domainEdges(shapes)),
  };
}
