import "server-only";
import { countUsers, getUserCredentialsByEmail, insertUser, setUserPasswordHash } from "@/lib/db/queries/users";
import { logger } from "@/lib/log/logger";
import { printStartNote } from "@/lib/start-notes";
import { generatePassword, hashPassword, verifyPassword } from "./password";

export const generatedAdminEmail = "admin@localhost";

/**
 * Make sure someone can sign in. With LLMLB_ADMIN_EMAIL and LLMLB_ADMIN_PASSWORD,
 * that account exists and takes the password from the environment (so changing
 * it there and restarting resets it). Without them, the first start on an empty
 * users table creates admin@localhost and prints its generated password once.
 */
export async function ensureFirstAdmin(
  env: { email?: string; password?: string } = {
    email: process.env.LLMLB_ADMIN_EMAIL,
    password: process.env.LLMLB_ADMIN_PASSWORD,
  },
): Promise<{ created: boolean; email: string | null; password?: string }> {
  if (env.email && env.password) return ensureAdminFromEnv(env.email, env.password);
  if (env.email || env.password) {
    logger.warn("LLMLB_ADMIN_EMAIL and LLMLB_ADMIN_PASSWORD must be set together; ignoring the one that is set");
  }
  if ((await countUsers()) > 0) return { created: false, email: null };
  const password = generatePassword();
  const user = await insertUser({
    email: generatedAdminEmail,
    name: "Admin",
    passwordHash: await hashPassword(password),
    role: "admin",
  });
  // Another instance starting at the same moment won the insert and printed its own.
  if (!user) return { created: false, email: null };
  logger.info({ event: "user.first_admin", userId: user.id }, "first admin created");
  // Outside the structured log on purpose: the one time this password is shown.
  printStartNote(
    (url) =>
      `\n  llmlb: no console users yet, so an admin was created. Its password is shown only now:\n\n` +
      `    email:    ${generatedAdminEmail}\n    password: ${password}\n\n` +
      `  Sign in at ${url ? `${url}/login` : "/login"} and add your team on the Users page` +
      " (or set LLMLB_ADMIN_EMAIL and LLMLB_ADMIN_PASSWORD).\n\n",
  );
  return { created: true, email: generatedAdminEmail, password };
}

async function ensureAdminFromEnv(email: string, password: string) {
  const existing = await getUserCredentialsByEmail({ email });
  if (existing) {
    if (!(await verifyPassword(password, existing.passwordHash))) {
      await setUserPasswordHash({ id: existing.id, passwordHash: await hashPassword(password) });
      logger.info({ event: "user.password_reset", userId: existing.id }, "admin password taken from the environment");
    }
    return { created: false, email };
  }
  const user = await insertUser({ email, name: null, passwordHash: await hashPassword(password), role: "admin" });
  if (user) logger.info({ event: "user.first_admin", userId: user.id }, "admin created from the environment");
  return { created: Boolean(user), email };
}
