import pino from "pino";

// JSON lines on stdout. Secrets are redacted by path as a second line of defence;
// the code never puts keys or tokens into log fields in the first place.
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { service: "llmlb-console" },
  redact: {
    paths: ["authorization", "*.authorization", "headers.authorization", "token", "*.token", "key", "*.key"],
    censor: "[redacted]",
  },
  timestamp: pino.stdTimeFunctions.isoTime,
});
