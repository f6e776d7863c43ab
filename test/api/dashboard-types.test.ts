/**
 * The dashboard's API types come from the server's schemas, not from
 * hand-written copies: web/src/api/types.ts declares no shape of its own
 * (only `Static<>` of src/api/answers/ and src/api/requests/ and what derives
 * from them), the web reaches server code only through type-only imports
 * (erased at build, so none of it is bundled), and the server files its
 * compiler reads are the answer and request schemas, their builder and the
 * pure domain — no packages, no services.
 */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/child-server.js';

const TYPES_FILE = path.join(ROOT, 'web/src/api/types.ts');

/**
 * Types of web/src/api/types.ts that are the dashboard's own, not an API
 * answer, each with its reason. None today: UI types live beside their pages.
 */
const UI_ONLY: readonly string[] = [];

/** The server files the dashboard's compiler may read. */
const SHARED = [
  /^src\/api\/answers\/[a-z-]+\.ts$/,
  /^src\/api\/requests\/[a-z-]+\.ts$/,
  /^src\/api\/json-schema\.ts$/,
  /^src\/domain\/[a-z-]+\.ts$/,
];

/**
 * A literal that is a value of the type (`'ratio' | 'fixed'`), not a key
 * picked from a derived one (`Trader['followOptions']`, `Pick<P, 'market'>`).
 */
const isValueLiteral = (node: ts.Node): boolean =>
  ts.isLiteralTypeNode(node) &&
  node.literal.kind !== ts.SyntaxKind.NullKeyword &&
  (ts.isUnionTypeNode(node.parent) || ts.isTypeAliasDeclaration(node.parent));

/** The shapes written by hand in `file`: interfaces, enums, type aliases holding an object, tuple or literal type. */
function handWrittenShapes(file: ts.SourceFile): string[] {
  const found: string[] = [];
  const writesAShape = (node: ts.Node): boolean =>
    ts.isTypeLiteralNode(node) ||
    ts.isMappedTypeNode(node) ||
    ts.isTupleTypeNode(node) ||
    isValueLiteral(node) ||
    ts.forEachChild(node, (child) => writesAShape(child) || undefined) === true;
  for (const statement of file.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isEnumDeclaration(statement))
      found.push(statement.name.text);
    else if (ts.isTypeAliasDeclaration(statement) && writesAShape(statement.type))
      found.push(statement.name.text);
  }
  return found.filter((name) => !UI_ONLY.includes(name));
}

const parse = (name: string, text: string) => ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);

function webProgram(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'web/tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('web/tsconfig.json could not be read');
  return ts.createProgram(config.fileNames, config.options);
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const moduleSpecifiers = (file: ts.SourceFile) =>
  file.statements.flatMap((s) =>
    (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
    s.moduleSpecifier &&
    ts.isStringLiteral(s.moduleSpecifier)
      ? [{ statement: s, specifier: s.moduleSpecifier.text }]
      : [],
  );
/** Whether a relative import of `file` leaves web/ (a package import is the bundle's business). */
const outsideWeb = (file: ts.SourceFile, specifier: string): boolean =>
  specifier.startsWith('.') &&
  !relative(path.resolve(path.dirname(file.fileName), specifier)).startsWith('web/');
const typeOnly = (s: ts.ImportDeclaration | ts.ExportDeclaration): boolean =>
  ts.isImportDeclaration(s) ? s.importClause?.isTypeOnly === true : s.isTypeOnly;

describe("the dashboard's API types", () => {
  it('recognise a hand-written shape (the check below is not vacuous)', () => {
    const sample = parse(
      'sample.ts',
      [
        "import type { Static } from './json-schema';",
        'export interface Trader { id: number }',
        'export type Leader = { address: string };',
        "export type CopyMode = 'ratio' | 'fixed';",
        'export type Row = Static<typeof X> & { title: string };',
        'export type Trader2 = Static<typeof TraderJson>;',
        "export type FollowOptions = Trader2['followOptions'];",
        "export type Position = Static<typeof P> & Partial<Pick<Static<typeof M>, 'market'>> | null;",
      ].join('\n'),
    );
    expect(handWrittenShapes(sample)).toEqual(['Trader', 'Leader', 'CopyMode', 'Row']);
  });

  it('are derived from the answer and request schemas: web/src/api/types.ts writes no shape of its own', () => {
    const file = parse(TYPES_FILE, ts.sys.readFile(TYPES_FILE)!);
    expect(handWrittenShapes(file)).toEqual([]);
    // And it does derive them (an empty file would pass the line above).
    const from = (folder: string) =>
      moduleSpecifiers(file).filter((m) => m.specifier.includes(`/src/api/${folder}/`)).length;
    expect(from('answers')).toBeGreaterThan(5);
    expect(from('requests')).toBeGreaterThan(3);
  });

  describe('reach server code', () => {
    const program = webProgram();
    const files = program.getSourceFiles().filter((f) => !f.fileName.includes('/node_modules/'));
    const serverFiles = files.map((f) => relative(f.fileName)).filter((f) => !f.startsWith('web/'));

    it('only through type-only imports, so no server code is bundled', () => {
      const valueImports = files
        .filter((f) => relative(f.fileName).startsWith('web/'))
        .flatMap((f) =>
          moduleSpecifiers(f)
            .filter((m) => outsideWeb(f, m.specifier) && !typeOnly(m.statement))
            .map((m) => `${relative(f.fileName)} imports ${m.specifier}`),
        );
      expect(valueImports).toEqual([]);
    });

    it('that is only the answer and request schemas, their builder and the pure domain, with no package imports', () => {
      expect(serverFiles.length).toBeGreaterThan(5);
      expect(serverFiles.filter((f) => !SHARED.some((re) => re.test(f)))).toEqual([]);
      const packageImports = files
        .filter((f) => !relative(f.fileName).startsWith('web/'))
        .flatMap((f) =>
          moduleSpecifiers(f)
            .filter((m) => !m.specifier.startsWith('.'))
            .map((m) => `${relative(f.fileName)} imports ${m.specifier}`),
        );
      expect(packageImports).toEqual([]);
    });
  });
});
