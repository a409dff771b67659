// The console at fleet size: the models page with 10,000 models and 100 online nodes
// (a sync state for every pair: 1,000,000 rows), as a signed-in person opens it.
// Prints the server's time and bytes for the page's HTML and for the data it polls, and
// the browser's time to the first rows and to the full, paged list. Not a timed test:
// `npx tsx bench/console/models-page.ts` after `next build` (PostgreSQL on 127.0.0.1).
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { openDatabase } from "../../lib/db/open";
import { startNextServer } from "../../tests/helpers/server";
import { createPostgresDatabase } from "../../tests/helpers/test-database";
import { seedRegistry, startHeartbeat } from "../registry/seed";

const scale = { models: Number(process.env.BENCH_MODELS ?? 10_000), nodes: Number(process.env.BENCH_NODES ?? 100) };
const account = { email: "bench@example.com", password: "bench-password-123" };
const samples = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1000).toFixed(0)} KB`;

async function main() {
  process.chdir(path.resolve(__dirname, "../.."));
  console.log(
    `Load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const database = await createPostgresDatabase();
  // Seeding a million states takes longer than a request may: only this process waits.
  process.env.DATABASE_TIMEOUT_S = "600";
  const pg = await openDatabase({ migrate: true, url: database.url });
  const stops: (() => Promise<unknown>)[] = [database.drop, () => pg.close()];
  try {
    console.log(`Seeding ${scale.models} models, ${scale.nodes} nodes and a state for every pair…`);
    const seeded = await seedRegistry(pg.db, scale);
    console.log(`States: ${JSON.stringify(seeded.states)}`);
    const heartbeat = startHeartbeat(pg.db, 2_000);
    stops.unshift(async () => heartbeat.stop());
    const server = await startNextServer(
      {
        DATABASE_URL: database.url,
        PGLITE_DIR: undefined,
        LOG_LEVEL: "warn",
        DATABASE_TIMEOUT_S: undefined,
        LLMLB_ADMIN_EMAIL: account.email,
        LLMLB_ADMIN_PASSWORD: account.password,
      },
      { port: process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined },
    );
    stops.unshift(() => server.stop());
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    stops.unshift(() => browser.close());
    const page = await browser.newPage({ baseURL: server.url });
    await page.goto("/login");
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/models$/);

    const listed = (await (await page.request.get("/v1/models")).json()) as { data: { id: string }[] };
    const pageOfNames = listed.data.slice(0, 50).map((m) => `model=${encodeURIComponent(m.id)}`);
    const pagePoll = `/api/models/sync?${pageOfNames.join("&")}`;
    // The page's HTML, what the list polls (its page), the whole sync answer and the listing.
    for (const url of ["/models", pagePoll, "/api/models/sync", "/v1/models"]) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        const res = await page.request.get(url);
        bytes = (await res.body()).length;
        times.push(performance.now() - started);
        if (!res.ok()) throw new Error(`${url} answered ${res.status()}`);
      }
      console.log(
        `GET ${url === pagePoll ? "/api/models/sync?model=… (50 names)" : url}: median ${median(times).toFixed(0)} ms of ${samples}, ${kb(bytes)}`,
      );
    }

    const firstRows: number[] = [];
    const fullList: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await page.goto("/models");
      await page.getByTestId("model-row").first().waitFor();
      firstRows.push(performance.now() - started);
      await page.getByTestId("pager-range").waitFor();
      fullList.push(performance.now() - started);
    }
    const rows = await page.getByTestId("model-row").count();
    console.log(`Browser, /models to its first rows: median ${median(firstRows).toFixed(0)} ms (${rows} rows a page)`);
    console.log(`Browser, /models to the whole list paged: median ${median(fullList).toFixed(0)} ms`);
    console.log(`Pager: ${await page.getByTestId("pager-range").textContent()}`);
  } finally {
    for (const stop of stops) await stop().catch((e: unknown) => console.error("cleanup:", e));
    console.log(
      `Load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
