import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/layout/login-form";
import { getCurrentUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Sign in · llmlb console" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await getCurrentUser()) redirect("/models");
  const { callbackUrl } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-50 px-4 dark:bg-zinc-950">
      <div className="w-full max-w-sm">
        <h1 className="text-center text-2xl font-semibold tracking-tight">
          llmlb <span className="font-normal text-zinc-500 dark:text-zinc-400">console</span>
        </h1>
        <p className="mt-1 text-center text-sm text-zinc-600 dark:text-zinc-400">
          Sign in to manage your fleet's models.
        </p>
        <LoginForm callbackUrl={relativeCallback(callbackUrl)} />
      </div>
    </main>
  );
}

/** next-auth passes an absolute URL; keep only its path so the form posts a same-site target. */
function relativeCallback(raw: string | undefined): string {
  if (!raw) return "/models";
  try {
    const url = new URL(raw, "http://localhost");
    return `${url.pathname}${url.search}`;
  } catch {
    return "/models";
  }
}
