// llmlb – command-line client of the llmlb console (bin/llmlb.mjs runs this file).
import { main } from "./program";

// Explicit exit: idle keep-alive sockets must not hold the process once a command is done.
main(process.argv).then((code) => process.exit(code));
