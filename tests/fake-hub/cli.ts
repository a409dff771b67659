// Standalone fake Hub for manual runs and e2e scripts:
//   npx tsx tests/fake-hub/cli.ts [--port 8900] [--cdn-port 8901] [--host 127.0.0.1] [--slow-delay-ms 12000]
// Prints one JSON line with the origins and token, then serves until SIGINT/SIGTERM.
import { startFakeHub } from "./server";

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument: ${arg}`);
    const eq = arg.indexOf("=");
    if (eq > 0) args.set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`missing value for ${arg}`);
      args.set(arg.slice(2), value);
      i++;
    }
  }
  return args;
}

function intArg(args: Map<string, string>, name: string): number | undefined {
  const raw = args.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const known = new Set(["port", "cdn-port", "host", "slow-delay-ms"]);
  for (const key of args.keys()) if (!known.has(key)) throw new Error(`unknown option --${key}`);
  const hub = await startFakeHub({
    host: args.get("host"),
    port: intArg(args, "port"),
    cdnPort: intArg(args, "cdn-port"),
    slowDelayMs: intArg(args, "slow-delay-ms"),
  });
  process.stdout.write(`${JSON.stringify({ url: hub.url, cdnUrl: hub.cdnUrl, token: hub.token })}\n`);
  const stop = () => {
    hub.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-hub: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
