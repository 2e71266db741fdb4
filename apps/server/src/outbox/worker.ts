import type { Database, OutboxKind, OutboxMessage } from "@roster/db";
import { type Kysely, sql } from "kysely";
import { addSeconds, type Clock } from "../clock.js";
import type { Logger } from "../logger.js";

export type OutboxHandler = (message: OutboxMessage) => Promise<void>;

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  handlers: Partial<Record<OutboxKind, OutboxHandler>>;
  /** How often to look for due messages when nothing woke the worker (default 1000 ms). */
  pollMs?: number;
  /** Attempts before a message is given up as dead (default 10). */
  maxAttempts?: number;
  /** How long a claimed message stays reserved for the instance that claimed it (default 60 s). */
  leaseSeconds?: number;
  batchSize?: number;
}

/** Exponential backoff: 5 s, 10 s, 20 s, … capped at one hour. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(5 * 2 ** Math.max(0, attempt - 1), 3600);
}

/**
 * Delivers what the outbox holds. Several server instances can run one each: a message is claimed
 * with `FOR UPDATE SKIP LOCKED` and a lease, so exactly one instance works on it at a time, and a
 * crashed instance's lease simply runs out.
 */
export class OutboxWorker {
  readonly #o: Required<Omit<OutboxWorkerOptions, "handlers">> & Pick<OutboxWorkerOptions, "handlers">;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = true;
  #wakeAgain = false;

  constructor(options: OutboxWorkerOptions) {
    this.#o = { pollMs: 1000, maxAttempts: 10, leaseSeconds: 60, batchSize: 20, ...options };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Lets in-flight deliveries finish, then stops polling. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => 0);
  }

  /** Asks for a pass soon, e.g. right after a transaction that enqueued a message committed. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#wakeAgain = true;
    else this.#schedule(0);
  }

  /** Runs passes until nothing is due. Returns how many messages were handled. Used by tests. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      await this.#running?.catch(() => 0);
      const handled = await this.runOnce();
      total += handled;
      if (handled === 0) return total;
    }
  }

  #schedule(ms: number) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), ms);
    this.#timer.unref?.();
  }

  async #tick() {
    if (this.#stopped) return;
    try {
      await this.runOnce();
    } catch (error) {
      this.#o.logger.error("outbox pass failed", { error });
    }
    if (this.#stopped) return;
    const again = this.#wakeAgain;
    this.#wakeAgain = false;
    this.#schedule(again ? 0 : this.#o.pollMs);
  }

  /** One pass: claim a batch of due messages and deliver each. */
  runOnce(): Promise<number> {
    const run = this.#pass();
    this.#running = run;
    return run.finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
  }

  async #pass(): Promise<number> {
    const { db, clock, handlers, batchSize, leaseSeconds } = this.#o;
    const now = clock();
    const kinds = Object.keys(handlers) as OutboxKind[];
    if (kinds.length === 0) return 0;
    const claimed = await db
      .updateTable("outbox")
      .set((eb) => ({ locked_until: addSeconds(now, leaseSeconds), attempts: eb("attempts", "+", 1) }))
      .where("id", "in", (eb) =>
        eb
          .selectFrom("outbox")
          .select("id")
          .where("status", "=", "pending")
          .where("kind", "in", kinds)
          .where("next_attempt_at", "<=", now)
          .where((w) => w.or([w("locked_until", "is", null), w("locked_until", "<", now)]))
          .orderBy("next_attempt_at")
          .orderBy("id")
          .limit(batchSize)
          .modifyEnd(sql`for update skip locked`),
      )
      .returningAll()
      .execute();
    // UPDATE … RETURNING gives rows in no particular order; deliver them in the order they were
    // enqueued, so that of two links sent one after the other the working one arrives last.
    claimed.sort(
      (a, b) =>
        a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || Number(BigInt(a.id) - BigInt(b.id)),
    );
    for (const message of claimed) await this.#deliver(message);
    return claimed.length;
  }

  async #deliver(message: OutboxMessage) {
    const { db, clock, handlers, logger, maxAttempts, leaseSeconds } = this.#o;
    const handler = handlers[message.kind];
    if (!handler) return;
    // A long pass (slow webhook endpoints wait up to their timeout each) can outlive the lease taken
    // when the batch was claimed. Renew it just before sending; if another instance claimed the
    // message meanwhile (its claim counted another attempt), leave the message to it.
    const renewed = await db
      .updateTable("outbox")
      .set({ locked_until: addSeconds(clock(), leaseSeconds) })
      .where("id", "=", message.id)
      .where("status", "=", "pending")
      .where("attempts", "=", message.attempts)
      .executeTakeFirst();
    if (renewed.numUpdatedRows === 0n) return;
    try {
      await handler(message);
      await db
        .updateTable("outbox")
        .set({ status: "sent", sent_at: clock(), locked_until: null, last_error: null })
        .where("id", "=", message.id)
        .execute();
      logger.info("outbox delivered", {
        outboxId: message.id,
        kind: message.kind,
        attempts: message.attempts,
      });
    } catch (error) {
      const dead = message.attempts >= maxAttempts;
      const reason = error instanceof Error ? error.message : String(error);
      await db
        .updateTable("outbox")
        .set({
          status: dead ? "dead" : "pending",
          locked_until: null,
          last_error: reason.slice(0, 1000),
          next_attempt_at: addSeconds(clock(), retryDelaySeconds(message.attempts)),
        })
        .where("id", "=", message.id)
        .execute();
      logger.warn(dead ? "outbox gave up" : "outbox will retry", {
        outboxId: message.id,
        kind: message.kind,
        attempts: message.attempts,
        reason,
      });
    }
  }
}
