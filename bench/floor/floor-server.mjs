// A floor for the benches: a bare node:http server in a process of its own (not a worker
// thread of the load generator), so a ratio compares llmlb with the least any HTTP server
// in Node can do on this machine, in the same run. Plain JavaScript: no loader, nothing to
// build. Started by bench/floor/floor.ts; prints "listening PORT" once ready.
//
//   node floor-server.mjs bytes PORT SPEC.json   every request: SPEC's status, headers and body
//   node floor-server.mjs sink PORT              heartbeats: read and parse the body, answer as
//                                                 the server would when nothing needs storing
import { readFileSync } from "node:fs";
import http from "node:http";

const [mode, portArg, specFile] = process.argv.slice(2);
const port = Number(portArg);

function bytesHandler() {
  const spec = JSON.parse(readFileSync(specFile, "utf8"));
  const body = Buffer.from(spec.bodyBase64, "base64");
  return (req, res) => {
    req.resume();
    res.writeHead(spec.status, spec.headers);
    res.end(body);
  };
}

// What a heartbeat costs at the least: the body read and parsed, a small JSON answer.
// Announcements (POST /api/nodes) get an id so a simulated fleet can run against it.
function sinkHandler() {
  let ids = 0;
  return (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        res.writeHead(400).end();
        return;
      }
      const answer =
        req.method === "POST"
          ? { id: `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}` }
          : {
              heartbeat_interval_s: 5,
              registry_etag: "floor",
              refused: [],
              ...(body.protocol === 2 ? { acked: body.seq ?? 0, snapshot: false } : {}),
            };
      const text = JSON.stringify(answer);
      res.writeHead(req.method === "POST" ? 201 : 200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    });
  };
}

const server = http.createServer(mode === "sink" ? sinkHandler() : bytesHandler());
server.listen(port, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
