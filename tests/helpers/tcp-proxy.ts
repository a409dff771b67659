// A TCP proxy the test controls, between a server and PostgreSQL: "cut" makes the
// database unreachable the way a network fault or a stopped database host does,
// without touching the PostgreSQL server other tests share.
import net from "node:net";

export type CutMode =
  /** New connections are refused (the port is closed); open ones are reset. */
  | "refuse"
  /** New connections are accepted and never answered (a dropped route); open ones go silent. */
  | "blackhole";

export interface TcpProxy {
  port: number;
  /** Rewrites a postgres:// URL to go through the proxy. */
  url(target: string): string;
  cut(mode: CutMode): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let mode: CutMode | null = null;
  let server = await listen(0);
  const port = (server.address() as net.AddressInfo).port;

  function listen(onPort: number): Promise<net.Server> {
    const srv = net.createServer((client) => {
      sockets.add(client);
      client.on("close", () => sockets.delete(client));
      client.on("error", () => {});
      if (mode === "blackhole") return; // accepted, never answered
      const upstream = net.connect(target.port, target.host);
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    return new Promise((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(onPort, "127.0.0.1", () => resolve(srv));
    });
  }

  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));

  return {
    port,
    url(targetUrl) {
      const u = new URL(targetUrl);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    async cut(next) {
      mode = next;
      if (next === "refuse") {
        for (const s of sockets) s.resetAndDestroy();
        await closeServer();
      } else {
        // Open connections stop carrying bytes both ways, like a pulled cable.
        for (const s of sockets) s.pause();
        for (const s of sockets) s.unpipe();
      }
    },
    async restore() {
      if (mode === "refuse") server = await listen(port);
      for (const s of sockets) s.destroy();
      mode = null;
    },
    async close() {
      for (const s of sockets) s.destroy();
      if (mode !== "refuse") await closeServer();
    },
  };
}
