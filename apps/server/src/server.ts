import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDb, migrateToLatest, type RosterDb } from "@roster/db";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import { Sealer } from "./crypto.js";
import { DeferredWork } from "./deferred.js";
import type { Deps, TxtResolver } from "./deps.js";
import { txtResolver } from "./dns.js";
import { recheckDueDomains } from "./domain/domain-checks.js";
import { publishExpiredInvitations } from "./domain/invitation-expiry.js";
import { deliverWebhook } from "./domain/webhook-delivery.js";
import { createRosterListener } from "./http.js";
import { createLogger, type Logger } from "./logger.js";
import { type HostResolver, systemResolver } from "./outbox/addresses.js";
import { openEmail } from "./outbox/enqueue.js";
import { devMailboxMailer, type Mailer, smtpMailer } from "./outbox/mailer.js";
import { OUTBOX_CHANNEL, OutboxWorker, type OutboxWorkerOptions } from "./outbox/worker.js";
import type { NodeListener } from "./trpc-http.js";

export interface RosterOptions {
  config: Config;
  /** An open database; without it one is created from the configuration (and closed on close). */
  database?: RosterDb;
  clock?: Clock;
  logger?: Logger;
  /** Run the outbox worker in this process (default true). */
  runWorker?: boolean;
  /** How often the outbox worker polls when nothing woke it, in ms (default `OUTBOX_POLL_SECONDS`). */
  outboxPollMs?: number;
  /** Lease, heartbeat, lanes and pruning of the outbox worker (defaults in outbox/worker.ts). */
  outbox?: Pick<
    OutboxWorkerOptions,
    "leaseSeconds" | "heartbeatMs" | "lanes" | "pruneEverySeconds" | "prune"
  >;
  /** How webhook host names are resolved (default: the system resolver). Tests play DNS with it. */
  resolveHost?: HostResolver;
  /** How TXT records are looked up (default: `DNS_SERVERS`, or the system's resolver). */
  resolveTxt?: TxtResolver;
  /** Tests only: see `Deps.afterLock`. */
  afterLock?: Deps["afterLock"];
}

export interface Roster {
  deps: Deps;
  worker: OutboxWorker;
  database: RosterDb;
  /** A Node request listener serving everything Roster serves. */
  listener: NodeListener;
  /** Waits for work that requests started without waiting (see deferred.ts). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** How often an instance looks for verified domains due for their check. */
const DOMAIN_CHECK_EVERY_MS = 10 * 60 * 1000;

/** Builds a Roster instance: database (migrated), rules, outbox worker and HTTP handler. */
export async function createRoster(options: RosterOptions): Promise<Roster> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const database =
    options.database ??
    (await createDb({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      onPoolError: (error) => logger.warn("database connection lost", { error: error.message }),
    }));
  const ownsDatabase = !options.database;
  await migrateToLatest(database.db);

  let worker: OutboxWorker | undefined;
  const deferred = new DeferredWork(logger);
  const deps: Deps = {
    db: database.db,
    config,
    clock,
    sealer: new Sealer(config.secretKey, config.previousSecretKeys),
    logger,
    resolveHost: options.resolveHost ?? systemResolver,
    resolveTxt: options.resolveTxt ?? txtResolver(config.dnsServers),
    wakeOutbox: (kind) => worker?.wake(kind),
    afterLock: options.afterLock,
    defer: (name, task, key) => deferred.run(name, task, key),
  };
  const mailer: Mailer = config.smtpUrl
    ? smtpMailer(config.smtpUrl, config.smtpFrom)
    : devMailboxMailer(database.db, config.smtpFrom, clock);
  worker = new OutboxWorker({
    db: database.db,
    clock,
    logger,
    ...options.outbox,
    pollMs: options.outboxPollMs ?? config.outboxPollSeconds * 1000,
    listen: (onNotify, onListening) => database.listen(OUTBOX_CHANNEL, onNotify, onListening),
    prune: {
      ...options.outbox?.prune,
      retention: {
        eventSeconds: config.eventRetentionDays * 24 * 60 * 60,
        ...options.outbox?.prune?.retention,
      },
    },
    chores: () => publishExpiredInvitations(deps),
    handlers: {
      email: (message) =>
        mailer.send(openEmail(message.payload, deps.sealer), `<outbox-${message.id}@roster>`),
      webhook: (message) => deliverWebhook(deps, message),
    },
  });
  if (options.runWorker !== false) worker.start();
  // Verified domains are checked again on a schedule (domain/domain-checks.ts); a pass takes the
  // due ones, so running it on every instance is safe.
  let domainCheck: Promise<unknown> = Promise.resolve();
  const domainCheckTimer =
    options.runWorker !== false
      ? setInterval(() => {
          domainCheck = recheckDueDomains(deps).catch((error) =>
            logger.error("domain checks failed", { error }),
          );
        }, DOMAIN_CHECK_EVERY_MS).unref()
      : undefined;

  const listener = createRosterListener(deps);
  return {
    deps,
    worker,
    database,
    listener,
    settle: () => deferred.settle(),
    async close() {
      await deferred.settle();
      clearInterval(domainCheckTimer);
      await domainCheck;
      await worker?.stop();
      mailer.close();
      if (ownsDatabase) await database.close();
    },
  };
}

export interface RunningServer extends Roster {
  server: Server;
  url: string;
  port: number;
}

/** Starts Roster on its own HTTP server. `close()` stops accepting, finishes in-flight requests, then closes the pool. */
export async function startServer(options: RosterOptions): Promise<RunningServer> {
  const roster = await createRoster(options);
  const server = createServer(roster.listener);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.config.port, options.config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.config.host.includes(":") ? `[${options.config.host}]` : options.config.host;
  return {
    ...roster,
    server,
    port,
    url: `http://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await roster.close();
    },
  };
}
