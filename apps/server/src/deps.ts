import type { Database, OutboxKind } from "@roster/db";
import type { Kysely } from "kysely";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Sealer } from "./crypto.js";
import type { Logger } from "./logger.js";
import type { HostResolver } from "./outbox/addresses.js";

/** What every domain function may use. One object per server instance. */
export interface Deps {
  db: Kysely<Database>;
  config: Config;
  clock: Clock;
  sealer: Sealer;
  logger: Logger;
  /** Resolves webhook host names; the answer is checked before connecting (outbox/addresses.ts). */
  resolveHost: HostResolver;
  /** TXT records of a DNS name (`[]` when it has none); how domain ownership is proven. */
  resolveTxt: TxtResolver;
  /**
   * Asks the outbox worker to deliver soon (after a transaction that enqueued something commits):
   * messages of `kind`, or of every kind.
   */
  wakeOutbox(kind?: OutboxKind): void;
  /**
   * Tests only (never set in production): awaited inside a transaction right after it takes the
   * named lock, so a test can hold one transaction there and show that another one waits.
   */
  afterLock?: ((lock: LockPoint, key: string) => Promise<void>) | undefined;
  /**
   * Runs work without the answer waiting for it, so the answer's timing says nothing about it.
   * With a `key`, a task is dropped while another of the same key is still running.
   */
  defer(name: string, task: () => Promise<void>, key?: string): void;
}

export type TxtResolver = (name: string) => Promise<string[][]>;

/** The row locks domain transactions take, in the order they take them (docs/architecture.md). */
export type LockPoint = "account" | "organization" | "owners" | "invitation";

/** Who is acting, and from where: recorded in the audit log and on sessions. */
export interface Actor {
  userId: string;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The host product whose embed token made the call, if one did. */
  hostKeyId?: string | null;
}

/** Where an anonymous request comes from (sign-up, sign-in, password reset). */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}
