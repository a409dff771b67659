export default function HomePage() {
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <h1 className="text-2xl font-semibold">llmlb console</h1>
      <p className="mt-4 text-zinc-600 dark:text-zinc-400">
        The registry API is running. Register a Hugging Face model with{" "}
        <code className="rounded bg-zinc-100 px-1 dark:bg-zinc-800">POST /api/models/register</code> and list models
        with <code className="rounded bg-zinc-100 px-1 dark:bg-zinc-800">GET /v1/models</code>; see the README.
      </p>
    </main>
  );
}
