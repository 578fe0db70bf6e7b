// Tokenises files with the extension's TextMate grammar, as VS Code does (vscode-textmate on the Oniguruma
// engine of vscode-oniguruma), and prints one JSON array per file: [line, start, end, text, scopes] per token.
// Usage: node test/tokenize.js FILE...
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const here = path.join(__dirname, "..");
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;

async function main(files) {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.contract") return null;
      const file = path.join(here, "syntaxes", "contract.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  const grammar = await registry.loadGrammar("source.contract");
  const result = {};
  for (const file of files) {
    const tokens = [];
    let state = vsctm.INITIAL;
    fs.readFileSync(file, "utf8").split("\n").forEach((line, number) => {
      const found = grammar.tokenizeLine(line, state);
      for (const token of found.tokens) {
        tokens.push([number + 1, token.startIndex, token.endIndex, line.slice(token.startIndex, token.endIndex), token.scopes]);
      }
      state = found.ruleStack;
    });
    result[file] = tokens;
  }
  process.stdout.write(JSON.stringify(result));
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
