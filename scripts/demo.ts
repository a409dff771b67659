// npm run demo – the whole product on one machine with no internet: a fake Hugging
// Face hub with demo repositories, the console on a fresh embedded database, and two
// node agents with different format preferences. Ctrl-C stops everything.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fixtureRepos, startFakeHub } from "../tests/fake-hub";
import { demoRepos } from "../tests/fake-hub/demo-repos";
import { type RunningAgent, startAgent } from "../tests/helpers/agent";
import { getFreePort, startNextServer } from "../tests/helpers/server";

const root = path.resolve(__dirname, "..");
const say = (line = "") => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    say("Building the console once (next build)…");
    execFileSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: ".next" },
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-demo-"));
  const serverLog = createWriteStream(path.join(dir, "server.log"));
  const hub = await startFakeHub({ repos: [...demoRepos, ...fixtureRepos] });
  const bootstrapKey = `demo-${randomBytes(12).toString("hex")}`;
  const password = randomBytes(9).toString("base64url");
  const port = (await isPortFree(3000)) ? 3000 : await getFreePort();
  const server = await startNextServer(
    {
      DATABASE_URL: undefined,
      PGLITE_DIR: path.join(dir, "db"),
      NEXT_DIST_DIR: ".next",
      HF_ENDPOINT: hub.url,
      HF_TOKEN: undefined,
      LLMLB_ADMIN_KEY: bootstrapKey,
      LLMLB_ADMIN_EMAIL: "admin@localhost",
      LLMLB_ADMIN_PASSWORD: password,
      AUTH_URL: `http://localhost:${port}`,
    },
    { port, onLine: (line) => serverLog.write(`${line}\n`) },
  );
  const url = `http://localhost:${port}`;
  const call = async (p: string, body?: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method: body ? "POST" : "GET",
      headers: { authorization: `Bearer ${bootstrapKey}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const adminKey: string = (await call("/api/keys", { name: "demo admin", scope: "admin" })).key;
  const nodeKey: string = (await call("/api/keys", { name: "demo nodes", scope: "node" })).key;
  await call("/api/models/register", { repo: "llmlb-demo/TinyChat-1.1B-GGUF:Q4_K_M" });

  const agents: RunningAgent[] = [
    ["gpu-node-1", "gguf,safetensors"],
    ["gpu-node-2", "safetensors,onnx,gguf"],
  ].map(([name, formats]) => {
    const agent = startAgent({
      serverUrl: server.url,
      apiKey: nodeKey,
      hubUrl: hub.url,
      name,
      formats,
      cacheDir: path.join(dir, `${name}-cache`),
    });
    const log = createWriteStream(path.join(dir, `${name}.log`));
    agent.process.stdout?.on("data", (chunk) => log.write(chunk));
    agent.process.stderr?.on("data", (chunk) => log.write(chunk));
    return agent;
  });

  say();
  say("llmlb demo is running (fake Hugging Face hub, console, two nodes). Ctrl-C stops everything.");
  say();
  say(`  Console   ${url}`);
  say(`  Sign in   admin@localhost / ${password}`);
  say(`  API key   ${adminKey}   (admin scope)`);
  say(`  Hub       ${hub.url}   (fake; repos: ${demoRepos.map((r) => r.id).join(", ")})`);
  say(`  Nodes     gpu-node-1 (gguf first), gpu-node-2 (safetensors first); logs in ${dir}`);
  say();
  say("Try:");
  say(
    `  LLMLB_URL=${url} LLMLB_API_KEY=${adminKey} npm run -s llmlb -- model add llmlb-demo/phi-mini-instruct --wait-ready`,
  );
  say(`  curl -s -H "Authorization: Bearer ${adminKey}" ${url}/v1/models`);
  say(`  open ${url} in a browser and paste ${hub.url}/llmlb-demo/TinyChat-1.1B-GGUF`);
  say();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say("\nStopping the demo…");
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    await hub.close();
    serverLog.end();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
