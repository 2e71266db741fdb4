import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A loopback TCP proxy in front of Postgres, to play "the database went away": `cut()` drops
 * every connection and refuses new ones (the port is closed), `restore()` listens again.
 */
export interface TcpProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /**
   * How long to keep the client's side open after the database closed its side. A backend that
   * reports a fatal error and then exits closes its socket a moment later, longer on a busy
   * machine; this widens that moment so a test can land in it.
   */
  lingerMs?: number;
}

export async function startTcpProxy(
  targetPort: number,
  targetHost = "127.0.0.1",
  options: TcpProxyOptions = {},
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | undefined;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        const lingerThenDrop = () => {
          if (options.lingerMs) setTimeout(drop, options.lingerMs).unref();
          else drop();
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", lingerThenDrop).on("close", lingerThenDrop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    get port() {
      return port;
    },
    cut: stop,
    restore: listen,
    close: stop,
  };
}
