// Stand-in for the `server-only` guard package, which only works inside Next's build.
export {};
