import pino from "pino";
import { serializeError } from "./serialize-error";

// JSON lines on stdout. The code never puts keys, tokens or passwords into log fields;
// the redaction paths are a second line of defence. Errors go through one serializer
// (every `err`/`error` field, cause chains included) that drops the values a failed
// query carried: Drizzle and PostgreSQL put them into messages.
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { service: "llmlb-console" },
  serializers: { err: serializeError, error: serializeError },
  redact: {
    paths: [
      "authorization",
      "*.authorization",
      "headers.authorization",
      "cookie",
      "*.cookie",
      "headers.cookie",
      "token",
      "*.token",
      "key",
      "*.key",
      "keyHash",
      "*.keyHash",
      "key_hash",
      "*.key_hash",
      "password",
      "*.password",
      "passwordHash",
      "*.passwordHash",
      "secret",
      "*.secret",
    ],
    censor: "[redacted]",
  },
  timestamp: pino.stdTimeFunctions.isoTime,
});
