import { afterEach, describe, expect, it } from "vitest";
import { ensureAuthSecret } from "@/lib/settings/auth-secret";

const original = process.env.AUTH_SECRET;
afterEach(() => {
  if (original === undefined) delete process.env.AUTH_SECRET;
  else process.env.AUTH_SECRET = original;
});

describe("the session secret", () => {
  it("is generated on first start, kept in the database, and the same on every later start", async () => {
    delete process.env.AUTH_SECRET;
    expect(await ensureAuthSecret()).toBe("database");
    const first = process.env.AUTH_SECRET;
    expect(first).toMatch(/^[\w-]{43}$/);
    delete process.env.AUTH_SECRET;
    expect(await ensureAuthSecret()).toBe("database");
    expect(process.env.AUTH_SECRET).toBe(first);
  });

  it("comes from AUTH_SECRET when set", async () => {
    process.env.AUTH_SECRET = "from-the-environment";
    expect(await ensureAuthSecret()).toBe("env");
    expect(process.env.AUTH_SECRET).toBe("from-the-environment");
  });
});
