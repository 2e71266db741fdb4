import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:PORT`, ready to use as SMTP_URL. */
  url: string;
  /** Every accepted message, parsed, in the order it arrived. */
  messages: ParsedMail[];
  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(predicate: (message: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** How many connections clients have opened so far. */
  readonly connections: number;
  /** Refuses the next `n` messages with a temporary failure (451), as a busy server would. */
  failNext(n: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 and a free port (or `port`): no TLS, no authentication required. */
export async function startSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let failures = 0;
  let connections = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // Closing ends the connections clients keep open (421) instead of waiting 30 s for them.
    closeTimeout: 100,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, _session, callback) {
      if (failures > 0) {
        failures -= 1;
        // Read the whole message before answering, as a real server does.
        stream.on("end", () => {
          const error = new Error("Mailbox temporarily unavailable, try again later") as Error & {
            responseCode: number;
          };
          error.responseCode = 451;
          callback(error);
        });
        stream.resume();
        return;
      }
      simpleParser(stream)
        .then((message) => {
          messages.push(message);
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise<ParsedMail>((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(`No matching email arrived within ${timeoutMs} ms (${messages.length} received).`),
          );
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
