import Link from "next/link";
import type { ReactNode } from "react";
import { EmptyState } from "../ui/card";

export const notFoundLink = "text-indigo-700 underline underline-offset-2 dark:text-indigo-300";

/**
 * What every unknown address in the console shows (an unknown path, model or node), so
 * they look alike; a page that knows more (a node's id) says so in `title` and `children`.
 */
export function NotFoundMessage({
  heading = "Not found",
  title = "Nothing is registered under this address",
  signedIn = true,
  children,
}: {
  heading?: string;
  title?: string;
  signedIn?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="space-y-6" data-testid="not-found">
      <h1 className="text-2xl font-semibold tracking-tight">{heading}</h1>
      <EmptyState title={title}>
        {children ??
          (signedIn ? (
            <>
              It may have been deleted, or the address is mistyped. See all{" "}
              <Link href="/models" className={notFoundLink}>
                models
              </Link>{" "}
              or all{" "}
              <Link href="/nodes" className={notFoundLink}>
                nodes
              </Link>
              .
            </>
          ) : (
            <>
              The address may be mistyped.{" "}
              <Link href="/login" className={notFoundLink}>
                Sign in
              </Link>{" "}
              to see the console.
            </>
          ))}
      </EmptyState>
    </div>
  );
}
