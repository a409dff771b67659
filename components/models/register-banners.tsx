import Link from "next/link";
import type { ActionFailure } from "@/lib/api/action-failure";
import type { BannerMessage } from "../ui/banners";
import { modelPagePath } from "./model-links";

type Banner = Omit<BannerMessage, "id">;

const linkClass = "font-medium underline underline-offset-2";

/** The banner for a refused preview or registration of `input`, with the server's own message. */
export function failureBanner(failure: ActionFailure, input: string): Banner {
  const named = input.length > 120 ? `${input.slice(0, 117)}…` : input;
  if (failure.code === "model_exists" && failure.name) {
    return {
      tone: "error",
      title: "Already registered",
      body: (
        <p>
          {failure.name} already exists.{" "}
          <Link className={linkClass} href={modelPagePath(failure.name)}>
            Open the existing model
          </Link>{" "}
          or delete it first to register it again.
        </p>
      ),
    };
  }
  const fromHub = failure.code?.startsWith("hf_");
  return {
    tone: "error",
    title: fromHub ? `Hugging Face could not provide “${named}”` : `Could not register “${named}”`,
    body: <p>{failure.error}</p>,
  };
}

export function successBanner({ name, warnings, stale }: { name: string; warnings: string[]; stale: boolean }): Banner {
  return {
    tone: stale || warnings.length ? "warning" : "success",
    title: `Registered ${name}`,
    body: (
      <div className="space-y-1">
        <p>
          Nodes pick it up on their next sync.{" "}
          <Link className={linkClass} href={modelPagePath(name)}>
            Open the model
          </Link>
        </p>
        {stale ? (
          <p>Hugging Face was unreachable, so it was registered from cached data that may be out of date.</p>
        ) : null}
        {warnings.length ? (
          <ul className="list-disc pl-5">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
      </div>
    ),
  };
}
