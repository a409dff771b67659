import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { type Db, getDb } from "../client";
import { users } from "../schema";
import { emailKey } from "./email-key";

export type UserRole = "admin" | "viewer";

const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  disabled: users.disabled,
  createdAt: users.createdAt,
};

export type PublicUser = {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  disabled: boolean;
  createdAt: Date;
};

const byEmail = (email: string) => sql`lower(${users.email}) = ${emailKey(email)}`;

/** Insert a user; null when the email is taken (case-insensitively). */
export async function insertUser({
  email,
  name,
  passwordHash,
  role,
}: {
  email: string;
  name: string | null;
  passwordHash: string;
  role: UserRole;
}): Promise<PublicUser | null> {
  const { db } = await getDb();
  const rows = await db
    .insert(users)
    .values({ email, name, passwordHash, role })
    .onConflictDoNothing()
    .returning(publicColumns);
  return rows[0] ?? null;
}

/** The one query that reads a password hash: only sign-in uses it. */
export async function getUserCredentialsByEmail({ email }: { email: string }) {
  const { db } = await getDb();
  const [row] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, disabled: users.disabled })
    .from(users)
    .where(byEmail(email))
    .limit(1);
  return row ?? null;
}

/**
 * Void every session this user signed in before now (sign-out). The app's clock, not
 * the database's: sessions carry the app's clock as their sign-in time.
 */
export async function revokeUserSessions({ id }: { id: string }): Promise<void> {
  const { db } = await getDb();
  await db.update(users).set({ sessionsRevokedAt: new Date() }).where(eq(users.id, id));
}

/** The user with the time their sessions were last revoked, in one read (every session request). */
export async function getUserWithRevocation({ id }: { id: string }) {
  const { db } = await getDb();
  const [row] = await db
    .select({ ...publicColumns, sessionsRevokedAt: users.sessionsRevokedAt })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

export async function listUsers(): Promise<PublicUser[]> {
  const { db } = await getDb();
  return db.select(publicColumns).from(users).orderBy(asc(users.createdAt), asc(users.email));
}

export async function countUsers(): Promise<number> {
  const { db } = await getDb();
  return db.$count(users);
}

/**
 * A new password ends every session signed in before it, in the same write, so no
 * caller (the environment at start, a reset) can change a password and forget to.
 */
export async function setUserPasswordHash({
  id,
  passwordHash,
}: {
  id: string;
  passwordHash: string;
}): Promise<PublicUser | null> {
  const { db } = await getDb();
  const [row] = await db
    .update(users)
    .set({ passwordHash, sessionsRevokedAt: new Date(), updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning(publicColumns);
  return row ?? null;
}

/**
 * Remove a user inside `tx`; null when there is no such user. Its sessions end with it
 * (a session whose user is gone does not count) and its API keys stay, unowned.
 */
export async function deleteUserRow({ tx, id }: { tx: Db; id: string }): Promise<PublicUser | null> {
  const [row] = await tx.delete(users).where(eq(users.id, id)).returning(publicColumns);
  return row ?? null;
}

/** The ids of the active admins, their rows locked until `tx` ends: concurrent changes to admins queue. */
export async function lockActiveAdminIds({ tx }: { tx: Db }): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(sql`${users.role} = 'admin' and not ${users.disabled}`)
    .for("update");
  return rows.map((row) => row.id);
}

/**
 * Change a user's role or disabled flag inside `tx`; null when there is no such user.
 * Disabling also ends the user's sessions for good, in the same write: refusing them
 * only while disabled would revive them on enable.
 */
export async function updateUserAccess({
  tx,
  id,
  values,
}: {
  tx: Db;
  id: string;
  values: Partial<{ role: UserRole; disabled: boolean }>;
}): Promise<PublicUser | null> {
  const [row] = await tx
    .update(users)
    .set({ ...values, ...(values.disabled ? { sessionsRevokedAt: new Date() } : {}), updatedAt: sql`now()` })
    .where(eq(users.id, id))
    .returning(publicColumns);
  return row ?? null;
}
