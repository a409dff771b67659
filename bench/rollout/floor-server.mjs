// The floor of webhook → staging: a bare node:http server in a process of its own doing
// the same chain of round trips as llmlb with none of its work. POST /hook answers 202,
// asks the Hub the same metadata question the server's check asks (the fake hub in the
// bench process), then answers every held long-poll; each client then GETs the manifest.
// No database, no manifest building, no agent. Plain JavaScript: no loader, nothing to build.
//
//   node floor-server.mjs PORT HUB_METADATA_URL     prints "listening PORT" once ready
import http from "node:http";

const [portArg, hubUrl] = process.argv.slice(2);
let version = 1;
/** Long-polls waiting for the version to move past the one they hold. */
const held = new Set();

const json = (res, status, value, headers = {}) => {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};
const answerListing = (res) => json(res, 200, { models: [{ name: "floor", version }] }, { etag: `"${version}"` });

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://floor");
  if (req.method === "POST" && url.pathname === "/hook") {
    req.resume();
    json(res, 202, { checking: ["floor"] });
    fetch(hubUrl)
      .then((r) => r.arrayBuffer())
      .then(() => {
        version++;
        for (const waiting of held) answerListing(waiting);
        held.clear();
      })
      .catch((err) => console.error(`floor: hub call failed: ${err.message}`));
    return;
  }
  if (url.pathname === "/listing") {
    if (req.headers["if-none-match"] === `"${version}"`) {
      held.add(res);
      res.once("close", () => held.delete(res));
      return;
    }
    return answerListing(res);
  }
  if (url.pathname === "/manifest") return json(res, 200, { model: "floor", commit: String(version), artifacts: [] });
  json(res, 404, { error: "not found" });
});
server.listen(Number(portArg), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => {
  for (const waiting of held) waiting.destroy();
  server.close(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
