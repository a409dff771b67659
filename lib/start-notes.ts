// Notes for the operator at a first start (a generated password and where to use it).
// server.mjs only knows its address once it listens, after Next (and so the start-up
// that writes these notes) is prepared: it keeps notes written before then and prints
// them with the URL once it listens. Without server.mjs (`next dev`), a note is
// printed at once, with the port Next listens on.

type Note = (consoleUrl: string | null) => string;

type StartNotes = { __llmlbStartNotes?: Note[]; __llmlbListenUrl?: string };
const shared = globalThis as unknown as StartNotes;

/** Print `note` now, or once the server listens, given the URL the console is served at. */
export function printStartNote(note: Note): void {
  if (shared.__llmlbStartNotes) shared.__llmlbStartNotes.push(note);
  else process.stdout.write(note(shared.__llmlbListenUrl ?? urlFromPort()));
}

function urlFromPort(): string | null {
  const port = process.env.PORT;
  return port && /^\d+$/.test(port) ? `http://localhost:${port}` : null;
}
