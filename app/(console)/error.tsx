"use client";

import { ServerError } from "@/components/layout/server-error";

// A console page that failed below the layout keeps the header and navigation.
export default function ConsoleErrorPage(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <ServerError {...props} />;
}
