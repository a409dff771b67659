/** Failures within one window that lock an email, and for how long the window and the lock last. */
export const SIGN_IN_LIMIT = { failures: 10, windowMinutes: 15, lockMinutes: 15 } as const;
