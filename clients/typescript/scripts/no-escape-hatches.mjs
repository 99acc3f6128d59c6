// Fails when a TypeScript file under src/ uses an escape hatch from the type checker: the `any`
// type, an `as` or `<T>` assertion, a non-null assertion (`x!`), or a `@ts-ignore`,
// `@ts-expect-error` or `@ts-nocheck` comment. Reads the syntax tree, so words in comments and
// strings do not count; the generated src/schema.d.ts is checked too.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = new URL("../src/", import.meta.url);
const files = fs
  .readdirSync(root)
  .filter((name) => name.endsWith(".ts"))
  .map((name) => path.join(root.pathname, name));
if (files.length === 0) {
  console.error("no TypeScript files under src/");
  process.exit(1);
}

const found = [];
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const report = (pos, what) => {
    const { line, character } = source.getLineAndCharacterOfPosition(pos);
    found.push(`${path.relative(process.cwd(), file)}:${line + 1}:${character + 1}: ${what}`);
  };
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) report(node.getStart(), "the `any` type");
    if (ts.isAsExpression(node)) report(node.getStart(), "an `as` assertion");
    if (ts.isTypeAssertionExpression(node)) report(node.getStart(), "a `<T>` assertion");
    if (ts.isNonNullExpression(node)) report(node.getStart(), "a non-null assertion");
    ts.forEachChild(node, visit);
  };
  visit(source);
  const directive = /@ts-(ignore|expect-error|nocheck)/g;
  for (const match of text.matchAll(directive)) report(match.index, `a ${match[0]} comment`);
}

if (found.length > 0) {
  console.error(`escape hatches from the type checker:\n${found.join("\n")}`);
  process.exit(1);
}
console.log(`no any, as, ! or ts-ignore in ${files.length} file(s) under src/`);
