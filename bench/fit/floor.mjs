// The floor of a registration's header reads: a bare client in a process of its own asking
// the Hub exactly what a registration must learn, and no more: the metadata answer, then for
// each file one Range request of exactly its header bytes (told by the caller, who knows
// the fixtures), following the Hub's redirect to the CDN. No parser, no database, no server.
// Plain JavaScript: no loader, nothing to build.
//
//   node floor.mjs JOB_JSON     prints one JSON line {ms, bytes, requests} per job round
//   JOB_JSON: {"rounds": n, "metadataUrl": "...", "files": [{"url": "...", "bytes": n}]}
import http from "node:http";
import https from "node:https";

const job = JSON.parse(process.argv[2] ?? "{}");

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = (target.protocol === "https:" ? https : http).get(target, { headers }, (res) => {
      let bytes = 0;
      res.on("data", (chunk) => {
        bytes += chunk.length;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** One file's header: the Hub's redirect, then the bytes from wherever it points. */
async function header(file) {
  let url = file.url;
  let requests = 0;
  for (let hop = 0; hop < 4; hop++) {
    const res = await get(url, { range: `bytes=0-${file.bytes - 1}` });
    requests++;
    if (res.location && res.status >= 300 && res.status < 400) {
      url = new URL(res.location, url).href;
      continue;
    }
    return { bytes: res.bytes, requests };
  }
  throw new Error(`too many redirects for ${file.url}`);
}

for (let round = 0; round < job.rounds; round++) {
  const started = performance.now();
  const meta = await get(job.metadataUrl);
  const reads = await Promise.all(job.files.map(header));
  const ms = performance.now() - started;
  const bytes = meta.bytes + reads.reduce((sum, r) => sum + r.bytes, 0);
  const requests = 1 + reads.reduce((sum, r) => sum + r.requests, 0);
  process.stdout.write(`${JSON.stringify({ ms, bytes, requests })}\n`);
}
