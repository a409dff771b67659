// HF_ENDPOINT as people and logs see it: a mirror's user name and password never shown.
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildResolveUrl, getHfEndpoint, getHfEndpointForDisplay, hideUrlCredentials } from "@/lib/hf/config";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("hideUrlCredentials", () => {
  it.each([
    ["http://user:pass@mirror.example:8080/", "http://mirror.example:8080/"],
    ["https://only-user@mirror.example", "https://mirror.example"],
    ["https://u:p%40ss@mirror.example/api", "https://mirror.example/api"],
    [
      "failed: http://u:p@a.example/x and https://v:q@b.example/y",
      "failed: http://a.example/x and https://b.example/y",
    ],
    ["https://huggingface.co/acme/x?mail=a@b.example", "https://huggingface.co/acme/x?mail=a@b.example"],
    ["ops@example.com wrote acme/x", "ops@example.com wrote acme/x"],
  ])("shows %j as %j", (text, shown) => {
    expect(hideUrlCredentials(text)).toBe(shown);
  });
});

describe("HF_ENDPOINT with a user name and password", () => {
  it("is used as it is for Hub calls, and shown and handed out without them", () => {
    vi.stubEnv("HF_ENDPOINT", "http://user:pass@mirror.example:8080/");
    expect(getHfEndpoint()).toBe("http://user:pass@mirror.example:8080");
    expect(getHfEndpointForDisplay()).toBe("http://mirror.example:8080");
    expect(buildResolveUrl({ repo: "acme/x", commit: "c".repeat(40), filename: "a b.gguf" })).toBe(
      `http://mirror.example:8080/acme/x/resolve/${"c".repeat(40)}/a%20b.gguf`,
    );
  });
});
