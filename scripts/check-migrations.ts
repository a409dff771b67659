// Fails when lib/db/schema.ts and the committed migrations disagree: runs
// `drizzle-kit generate` and checks that it wrote nothing.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const before = readdirSync("drizzle").sort().join("\n");
const out = execFileSync("npx", ["drizzle-kit", "generate", "--name", "drift_check"], { encoding: "utf8" });
const after = readdirSync("drizzle").sort().join("\n");
if (before !== after || !/No schema changes/i.test(out)) {
  console.error(out);
  console.error("Schema and migrations disagree: run `npm run db:generate` and commit the migration.");
  process.exit(1);
}
console.log("migrations match the schema");
