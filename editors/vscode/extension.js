// Starts `contract lsp` for .contract files and connects VS Code to it over standard input and output.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("contract").get("server.command");
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "contract",
    "Contract language server",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "contract" }, { scheme: "untitled", language: "contract" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
