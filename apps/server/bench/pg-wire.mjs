// A TCP proxy in front of Postgres that counts what a client sends, message by message: each
// Simple Query ('Q') and each Sync ('S', the end of an extended-protocol exchange) is one round
// trip the client waits for; each Execute ('E') is one statement; each Parse ('P') is a statement
// the server had to parse (a named prepared statement that is reused sends none).
import { createConnection, createServer } from "node:net";

const STARTUP_REQUESTS = new Set([80877103, 80877104]); // SSLRequest, GSSENCRequest

export function startWireCounter({ targetHost = "127.0.0.1", targetPort = 5432 } = {}) {
  const counts = { roundTrips: 0, statements: 0, parses: 0, connections: 0 };
  /** The text of each statement parsed or sent as a simple query, with how often. */
  const texts = new Map();
  const remember = (text) => texts.set(text, (texts.get(text) ?? 0) + 1);
  const sockets = new Set();
  const server = createServer((client) => {
    counts.connections += 1;
    const upstream = createConnection({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    let started = false;
    let pending = Buffer.alloc(0);
    client.on("data", (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          const code = pending.readInt32BE(4);
          if (!STARTUP_REQUESTS.has(code)) started = true;
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) break;
        const length = pending.readInt32BE(1);
        if (pending.length < length + 1) break;
        const type = String.fromCharCode(pending[0]);
        if (type === "Q") {
          counts.roundTrips += 1;
          counts.statements += 1;
          remember(pending.toString("utf8", 5, length).replace(/\0$/, ""));
        } else if (type === "S") counts.roundTrips += 1;
        else if (type === "E") counts.statements += 1;
        else if (type === "P") {
          counts.parses += 1;
          const nameEnd = pending.indexOf(0, 5);
          remember(pending.toString("utf8", nameEnd + 1, pending.indexOf(0, nameEnd + 1)));
        }
        pending = pending.subarray(length + 1);
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: server.address().port,
        counts,
        reset() {
          counts.roundTrips = 0;
          counts.statements = 0;
          counts.parses = 0;
          texts.clear();
        },
        statementTexts: () => [...texts].sort((a, b) => b[1] - a[1]),
        snapshot: () => ({ ...counts }),
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
