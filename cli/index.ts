// llmlb – command-line client of the llmlb console (bin/llmlb.mjs runs this file).
import { main } from "./program";

// Explicit exit: idle keep-alive sockets must not hold the process once a command is done.
// Output still queued for a pipe (asynchronous on some platforms) is flushed first.
main(process.argv).then(async (code) => {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write("", resolve))));
  process.exit(code);
});
