// The log's error serializer against real failures of this file's database (PGlite or
// PostgreSQL): what a failure says stays, the values it carried do not, wherever the
// driver or the database put them (Drizzle's message, postgres.js fields, a unique
// violation's `detail`, next-auth's `cause.err` wrapping).
import { randomBytes } from "node:crypto";
import { CredentialsSignin } from "@auth/core/errors";
import { describe, expect, it } from "vitest";
import { hashApiKey } from "@/lib/auth/api-keys";
import { insertApiKey } from "@/lib/db/queries/api-keys";
import { describeError, serializeError } from "@/lib/log/serialize-error";

async function duplicateKeyError(hash: string): Promise<unknown> {
  const key = { name: "twice", scope: "reader" as const, keyHash: hash, prefix: "llmlb_twice" };
  await insertApiKey(key);
  return insertApiKey(key).then(
    () => {
      throw new Error("the second insert should fail");
    },
    (error: unknown) => error,
  );
}

describe("the log's error serializer", () => {
  it("keeps what failed and drops the key hash from messages, fields and detail", async () => {
    const hash = hashApiKey(`llmlb_${randomBytes(24).toString("base64url")}`);
    const error = await duplicateKeyError(hash);
    // The raw error does carry the hash: this is what used to reach the log.
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).toContain(hash);
    const out = JSON.stringify(serializeError(error));
    expect(out).not.toContain(hash);
    expect(out).toContain('insert into \\"api_keys\\"');
    expect(out).toMatch(/duplicate key value violates unique constraint/);
    expect(describeError(error)).toMatch(/^duplicate key value violates unique constraint/);
  });

  it("follows next-auth's wrapping of what a sign-in check threw", async () => {
    const hash = hashApiKey(`llmlb_${randomBytes(24).toString("base64url")}`);
    // As next-auth does with what `authorize` threw: the error itself in place of a message.
    const wrapped = new CredentialsSignin((await duplicateKeyError(hash)) as string);
    const out = JSON.stringify(serializeError(wrapped));
    expect(out).not.toContain(hash);
    expect(out).toMatch(/duplicate key value violates unique constraint/);
  });
});
