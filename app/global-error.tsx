"use client";

import "./globals.css";
import { ServerError } from "@/components/layout/server-error";

// The root layout itself failed: this replaces it, so it brings its own document and styles.
export default function GlobalError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <title>Something went wrong · llmlb console</title>
        <main className="px-4">
          <ServerError {...props} />
        </main>
      </body>
    </html>
  );
}
