// Parse Mermaid files with Mermaid's own parser, as tests/validators.py `mermaid_errors` asks.
//
//   node tests/mermaid_parse.mjs NODE_DIR < files.json
//
// NODE_DIR is the folder where `npm install mermaid jsdom` ran; stdin is a JSON list of file paths.
// Prints one JSON object on stdout: {file: null when it parses, else the parser's error message}.
// Everything Mermaid logs goes to stderr, so stdout stays that one JSON object.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const toStderr = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
console.log = console.info = console.debug = console.warn = toStderr;

const nodeDir = process.argv[2];
const files = JSON.parse(readFileSync(0, "utf8"));

// resolve the packages from NODE_DIR, not from this script's folder
const require = createRequire(join(nodeDir, "package.json"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;

const mermaid = (await import(pathToFileURL(require.resolve("mermaid")).href)).default;
mermaid.initialize({ startOnLoad: false, logLevel: "fatal" });

const results = {};
for (const file of files) {
  try {
    await mermaid.parse(readFileSync(file, "utf8"));
    results[file] = null;
  } catch (err) {
    results[file] = String(err?.message ?? err);
  }
}
process.stdout.write(JSON.stringify(results));
