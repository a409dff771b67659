#!/usr/bin/env node
// The production server (`npm start`): Next.js's request handler behind node:http, with
// the hottest requests (`/v1/models`, `manifest.json` and heartbeats, sent with a key)
// answered before Next's router by the same functions as their route handlers
// (lib/api/fast-path.ts). Everything else, and anything the fast path cannot answer
// exactly as the route handler would, goes to Next. docs/caching.md.
//
//   node server.mjs [-p PORT] [-H HOSTNAME]     (PORT in the environment also works; HOSTNAME does
//   not: shells and containers set it to the machine's name)
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";

const args = process.argv.slice(2);
const option = (...names) => {
  const i = args.findIndex((a) => names.includes(a));
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(option("-p", "--port") ?? process.env.PORT ?? 3000);
const hostname = option("-H", "--hostname");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`llmlb: the port must be a number from 0 to 65535, not ${JSON.stringify(String(port))}\n`);
  process.exit(1);
}
process.env.NODE_ENV = "production";

const dir = path.dirname(fileURLToPath(import.meta.url));
const app = next({ dev: false, dir, hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();

const toNext = (req, res) => {
  handle(req, res).catch((error) => {
    process.stderr.write(`llmlb: request failed: ${error?.stack ?? error}\n`);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end();
  });
};

const server = http.createServer((req, res) => {
  const fast = globalThis.__llmlbFastPath;
  if (!fast || (req.method !== "GET" && req.method !== "PUT") || !req.headers.authorization) return toNext(req, res);
  fast({ method: req.method, url: req.url ?? "", headers: req.headers, body: req }).then(
    (answer) => {
      if (!answer) return toNext(req, res);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? undefined);
    },
    (error) => {
      // The fast path answers its own errors; this is a bug in it. Never hand Next a body already read.
      process.stderr.write(`llmlb: request failed: ${error?.stack ?? error}\n`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end('{"error":{"code":"internal_error","message":"Internal error."}}');
    },
  );
});

// Agents heartbeat every 5 s on kept-alive connections: with Node's default of 5 s the
// server would close an idle connection just as the next heartbeat is sent on it (the
// client then sees ECONNRESET). Keep them longer than an interval, as load balancers do.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

// Stop accepting at once; lib/server-shutdown.ts writes what is held in memory and exits.
// Should that not have been installed (a start that failed), exit anyway.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 8_000).unref();
  });
}

// Start-up notes (lib/start-notes.ts) wait until the server listens, to name its URL. A start
// that fails before then still prints them (a generated password is shown only once).
globalThis.__llmlbStartNotes = [];
const printStartNotes = (url) => {
  const notes = globalThis.__llmlbStartNotes ?? [];
  globalThis.__llmlbStartNotes = undefined;
  for (const note of notes) process.stdout.write(note(url));
};
process.once("exit", () => printStartNotes(null));

try {
  await app.prepare();
} catch (error) {
  process.stderr.write(`llmlb: cannot start: ${error?.stack ?? error}\n`);
  process.exit(1);
}
server.on("error", (error) => {
  process.stderr.write(`llmlb: cannot listen on ${hostname ?? "*"}:${port}: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  const { port: bound } = server.address();
  const url = `http://${formatHost(hostname ?? "localhost")}:${bound}`;
  process.stdout.write(`llmlb console listening on ${url}\n`);
  globalThis.__llmlbListenUrl = url;
  printStartNotes(url);
});

/** A host as a browser takes it: every interface is reached at localhost, IPv6 in brackets. */
function formatHost(host) {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
