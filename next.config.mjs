/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run
  // time, and pino uses worker threads; neither survives bundling. prom-client is
  // loaded once from node_modules, not copied into each route bundle; nor are Hugging Face's
  // libraries (read weight headers, docs/fit.md), which load WASM parts of their own.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@huggingface/gguf",
    "@huggingface/hub",
    "pino",
    "postgres",
    "prom-client",
  ],
  poweredByHeader: false,
  // Lets a second build (e.g. the browser tests' server) live beside the main one.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
};

export default nextConfig;
