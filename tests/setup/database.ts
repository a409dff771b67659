// Every test file gets its own fresh database: an in-memory PGlite (TEST_DB=pglite)
// or a new database on the PostgreSQL server (TEST_DB=postgres), dropped afterwards.
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase } from "../helpers/test-database";

let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  drop = await createTestDatabase();
});

afterAll(async () => {
  await drop?.();
});
