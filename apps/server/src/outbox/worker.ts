import type { Database, OutboxKind, OutboxMessage } from "@roster/db";
import { type Kysely, sql } from "kysely";
import { addSeconds, type Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import { claimDue } from "./claim.js";
import { type PruneOptions, pruneExpired } from "./prune.js";

export type OutboxHandler = (message: OutboxMessage) => Promise<void>;

/** How much of one kind of message is sent at once. */
export interface LaneLimits {
  /** Messages of this kind in flight in one instance. */
  concurrency: number;
  /** Messages in flight per lane key (an email's recipient, a webhook's endpoint), all instances together. */
  perKey: number;
}

/**
 * Email and webhooks have separate lanes, so endpoints that never answer use up webhook slots only
 * and an email never waits behind them. One recipient's emails go one at a time, in order (of two
 * links sent one after the other, the working one arrives last); so do one endpoint's events (a
 * receiver sees member.joined before member.deactivated), while other endpoints go on meanwhile.
 */
export const DEFAULT_LANES: Record<OutboxKind, LaneLimits> = {
  email: { concurrency: 4, perKey: 1 },
  webhook: { concurrency: 8, perKey: 1 },
};

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  handlers: Partial<Record<OutboxKind, OutboxHandler>>;
  /**
   * How often to look for due messages when nothing woke the worker (default 30 s). New messages
   * wake it through `listen`, retries and expiring leases through a timer set to their due time;
   * the poll only catches what those missed.
   */
  pollMs?: number;
  /**
   * Subscribes to the wake-ups the database sends when a message is enqueued or a lease released
   * (`RosterDb.listen` on `OUTBOX_CHANNEL`). `onListening` runs whenever the subscription is (again)
   * in place: a pass then picks up anything enqueued while it was not.
   */
  listen?: (onNotify: (payload: string) => void, onListening: () => void) => Promise<() => Promise<void>>;
  /** Attempts before a message is given up as dead (default 10). */
  maxAttempts?: number;
  /** How long a claimed message stays reserved for the instance that claimed it (default 60 s). */
  leaseSeconds?: number;
  /** How often the lease of a message being sent is renewed (default a third of the lease). */
  heartbeatMs?: number;
  lanes?: Partial<Record<OutboxKind, Partial<LaneLimits>>>;
  /** How often (by the clock) the worker prunes expired rows (default 600 s; 0: never). */
  pruneEverySeconds?: number;
  prune?: PruneOptions;
  /**
   * Work done besides delivering, e.g. publishing invitations that have expired: on a pass, at most
   * once every `choresEveryMs` (default 1 s). Resolves to how many things it did.
   */
  chores?: () => Promise<number>;
  choresEveryMs?: number;
}

/** Exponential backoff: 5 s, 10 s, 20 s, … capped at one hour. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(5 * 2 ** Math.max(0, attempt - 1), 3600);
}

const KINDS: OutboxKind[] = ["email", "webhook"];
const isKind = (kind: unknown): kind is OutboxKind => KINDS.includes(kind as OutboxKind);

/** The channel migration 0010's triggers notify on. */
export const OUTBOX_CHANNEL = "roster_outbox";

/** After a failed pass (the database unreachable, say), the next one comes at most this much later. */
const RETRY_FAILED_PASS_MS = 5_000;

/**
 * A wake-up starts a pass this much later, and wake-ups meanwhile join it: under a stream of
 * enqueues, one claim takes several messages instead of each message costing a claim of its own.
 */
const WAKE_COALESCE_MS = 10;

/**
 * Delivers what the outbox holds. Several server instances can run one each: a message is claimed
 * with a lease that is renewed while it is being sent, so exactly one instance works on it at a
 * time, and a crashed instance's lease simply runs out. Claims of one kind take turns across
 * instances (an advisory lock), so the per-endpoint and per-recipient limits hold for all of them.
 */
export class OutboxWorker {
  readonly #o: Required<Omit<OutboxWorkerOptions, "handlers" | "lanes" | "prune" | "listen" | "chores">> &
    Pick<OutboxWorkerOptions, "handlers" | "prune" | "listen" | "chores">;
  readonly #lanes: Record<OutboxKind, LaneLimits>;
  readonly #inFlight: Record<OutboxKind, number> = { email: 0, webhook: 0 };
  readonly #deliveries = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #claiming: Promise<OutboxMessage[]> | undefined;
  #ticking: Promise<void> | undefined;
  #stopped = true;
  #wakeAgain = false;
  /** A pass for a wake-up is already on its way. */
  #woken = false;
  #nextPruneAt: number | undefined;
  /** Monotonic time before which a pass skips the chores. */
  #nextChoresAt = 0;
  /** The kinds the next pass claims: those a wake-up named, or all after a timer or a bare wake-up. */
  readonly #wanted = new Set<OutboxKind>(KINDS);
  #subscription: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(options: OutboxWorkerOptions) {
    const leaseSeconds = options.leaseSeconds ?? 60;
    this.#o = {
      ...options,
      pollMs: options.pollMs ?? 30_000,
      maxAttempts: options.maxAttempts ?? 10,
      heartbeatMs: options.heartbeatMs ?? Math.max(50, Math.floor((leaseSeconds * 1000) / 3)),
      pruneEverySeconds: options.pruneEverySeconds ?? 600,
      choresEveryMs: options.choresEveryMs ?? 1000,
      leaseSeconds,
    };
    this.#lanes = {
      email: { ...DEFAULT_LANES.email, ...options.lanes?.email },
      webhook: { ...DEFAULT_LANES.webhook, ...options.lanes?.webhook },
    };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
    const { listen, logger } = this.#o;
    this.#subscription = listen?.(
      (payload) => this.wake(payload),
      () => this.wake(),
    ).catch((error: unknown) => {
      logger.warn("outbox wake-ups unavailable; polling only", { error });
      return undefined;
    });
  }

  /** Stops claiming, then lets in-flight deliveries finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const unlisten = await this.#subscription;
    this.#subscription = undefined;
    await unlisten?.();
    await this.#claiming?.catch(() => []);
    // A pass already under way (chores, pruning, the next due time) finishes before the caller
    // closes the database under it.
    await this.#ticking;
    await Promise.allSettled([...this.#deliveries]);
  }

  /**
   * Asks for a claim soon, e.g. right after a transaction that enqueued a message committed: of the
   * kind named (a notification's payload), or of every kind.
   */
  wake(kind?: string): void {
    if (this.#stopped) return;
    this.#want(kind);
    // During a pass, the pass schedules the next one when it ends (WAKE_COALESCE_MS later).
    if (this.#ticking) this.#wakeAgain = true;
    else if (!this.#woken) this.#schedule(WAKE_COALESCE_MS, true);
  }

  #want(kind?: string) {
    if (isKind(kind)) this.#wanted.add(kind);
    else for (const k of KINDS) this.#wanted.add(k);
  }

  /** Runs passes until nothing is due and nothing is in flight. Returns how many were handled. Used by tests. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      await Promise.allSettled([...this.#deliveries]);
      const handled = await this.runOnce();
      total += handled;
      if (handled === 0 && this.#deliveries.size === 0) return total;
    }
  }

  /** One pass: claim what every lane has room for and deliver it; resolves once those are done. */
  async runOnce(): Promise<number> {
    const started = await this.#claimAll(KINDS);
    await Promise.allSettled(started);
    return started.length;
  }

  /** Runs the chores now (the worker also runs them on every pass). */
  async runChores(): Promise<number> {
    return (await this.#o.chores?.()) ?? 0;
  }

  /** Deletes expired rows now (the worker also does it every `pruneEverySeconds`). */
  prune(): Promise<Record<string, number>> {
    return pruneExpired(this.#o.db, this.#o.clock(), this.#o.prune);
  }

  /**
   * The next pass in `ms`: for a wake-up (`woken`), which named what to claim, or by time alone (a
   * retry, a lease, the poll), which claims every kind.
   */
  #schedule(ms: number, woken = false) {
    clearTimeout(this.#timer);
    this.#woken = woken;
    this.#timer = setTimeout(() => {
      this.#woken = false;
      if (!woken) this.#want();
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
      });
    }, ms);
    this.#timer.unref?.();
  }

  async #tick() {
    if (this.#stopped) return;
    let delay: number;
    try {
      // Deliveries run on in the background; their slots free up as they finish (which wakes us).
      const kinds = KINDS.filter((kind) => this.#wanted.has(kind));
      this.#wanted.clear();
      await this.#claimAll(kinds);
      if (performance.now() >= this.#nextChoresAt) {
        this.#nextChoresAt = performance.now() + this.#o.choresEveryMs;
        await this.runChores();
      }
      await this.#pruneIfDue();
      // Woken meanwhile: the next pass comes shortly, and works out the next due time itself.
      delay = this.#wakeAgain ? 0 : await this.#untilNextDue();
    } catch (error) {
      this.#o.logger.error("outbox pass failed", { error });
      delay = Math.min(this.#o.pollMs, RETRY_FAILED_PASS_MS);
    }
    if (this.#stopped) return;
    const again = this.#wakeAgain;
    this.#wakeAgain = false;
    if (again) this.#schedule(WAKE_COALESCE_MS, true);
    else this.#schedule(delay);
  }

  /**
   * How long until the next message becomes claimable by time alone: a retry's due time, or the end
   * of a lease (an instance that died while sending). Messages due already but held back by their
   * lane wait for a wake-up instead (a delivery finishing here, or a lease released elsewhere), so
   * the worker never spins. Never longer than the poll, nor past the next prune.
   */
  async #untilNextDue(): Promise<number> {
    const { db, clock, pollMs, pruneEverySeconds } = this.#o;
    const now = clock();
    const kinds = KINDS.filter((kind) => this.#o.handlers[kind]);
    let delay = pollMs;
    if (pruneEverySeconds > 0 && this.#nextPruneAt !== undefined) {
      delay = Math.min(delay, this.#nextPruneAt - now.getTime());
    }
    if (kinds.length > 0) {
      const row = await db
        .selectFrom("outbox")
        .select(sql<Date | null>`min(greatest(next_attempt_at, locked_until))`.as("at"))
        .where("status", "=", "pending")
        .where("kind", "in", kinds)
        .where(sql<boolean>`greatest(next_attempt_at, locked_until) > ${now}`)
        .executeTakeFirst();
      if (row?.at) delay = Math.min(delay, new Date(row.at).getTime() - now.getTime());
    }
    return Math.max(0, delay);
  }

  async #pruneIfDue() {
    const { clock, pruneEverySeconds, logger } = this.#o;
    if (pruneEverySeconds <= 0) return;
    const now = clock().getTime();
    if (this.#nextPruneAt === undefined) this.#nextPruneAt = now;
    if (now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + pruneEverySeconds * 1000;
    const counts = await this.prune();
    if (Object.values(counts).some((n) => n > 0)) logger.info("outbox pruned", counts);
  }

  /** Claims for each lane of `kinds` and starts the deliveries; returns their promises. */
  async #claimAll(kinds: readonly OutboxKind[]): Promise<Promise<void>[]> {
    while (this.#claiming) await this.#claiming.catch(() => []);
    const claiming = (async () => {
      const claimed: OutboxMessage[] = [];
      for (const kind of kinds) {
        if (!this.#o.handlers[kind]) continue;
        const room = this.#lanes[kind].concurrency - this.#inFlight[kind];
        if (room <= 0) continue;
        claimed.push(...(await this.#claim(kind, room)));
      }
      return claimed;
    })();
    this.#claiming = claiming;
    try {
      const claimed = await claiming;
      return claimed.map((message) => this.#start(message));
    } finally {
      this.#claiming = undefined;
    }
  }

  #claim(kind: OutboxKind, room: number): Promise<OutboxMessage[]> {
    const { db, clock, leaseSeconds } = this.#o;
    return claimDue(db, kind, { room, perKey: this.#lanes[kind].perKey, leaseSeconds, now: clock() });
  }

  #start(message: OutboxMessage): Promise<void> {
    this.#inFlight[message.kind] += 1;
    const delivery = this.#deliver(message)
      .catch((error) => this.#o.logger.error("outbox delivery failed", { outboxId: message.id, error }))
      .finally(() => {
        this.#inFlight[message.kind] -= 1;
        this.#deliveries.delete(delivery);
        this.wake(message.kind);
      });
    this.#deliveries.add(delivery);
    return delivery;
  }

  /** Extends the lease of a message this instance is sending; false if it is no longer ours. */
  async #renew(message: OutboxMessage): Promise<boolean> {
    const { db, clock, leaseSeconds } = this.#o;
    const renewed = await db
      .updateTable("outbox")
      .set({ locked_until: addSeconds(clock(), leaseSeconds) })
      .where("id", "=", message.id)
      .where("status", "=", "pending")
      .where("attempts", "=", message.attempts)
      .executeTakeFirst();
    return renewed.numUpdatedRows > 0n;
  }

  async #deliver(message: OutboxMessage) {
    const { db, clock, handlers, logger, maxAttempts, heartbeatMs } = this.#o;
    const handler = handlers[message.kind];
    if (!handler) return;
    // Renewed while the send runs: a send slower than the lease (a slow SMTP server) must not be
    // claimed and sent again by another instance meanwhile.
    const heartbeat = setInterval(() => {
      this.#renew(message)
        .then((ours) => {
          if (!ours) logger.warn("outbox lease lost during a send", { outboxId: message.id });
        })
        .catch((error) => logger.warn("outbox lease renewal failed", { outboxId: message.id, error }));
    }, heartbeatMs);
    heartbeat.unref?.();
    // Email bodies carry live links: once a message is finished, only who and what remain.
    const finishedPayload =
      message.kind === "email"
        ? sql`jsonb_build_object('to', payload->'to', 'subject', payload->'subject')`
        : sql`payload`;
    try {
      await handler(message);
      clearInterval(heartbeat);
      await db
        .updateTable("outbox")
        .set({
          status: "sent",
          sent_at: clock(),
          locked_until: null,
          last_error: null,
          payload: finishedPayload as never,
        })
        .where("id", "=", message.id)
        .execute();
      logger.info("outbox delivered", {
        outboxId: message.id,
        kind: message.kind,
        attempts: message.attempts,
      });
    } catch (error) {
      clearInterval(heartbeat);
      const dead = message.attempts >= maxAttempts;
      const reason = error instanceof Error ? error.message : String(error);
      // Only if the message is still ours: another instance's claim must not be undone.
      await db
        .updateTable("outbox")
        .set({
          status: dead ? "dead" : "pending",
          locked_until: null,
          last_error: reason.slice(0, 1000),
          next_attempt_at: addSeconds(clock(), retryDelaySeconds(message.attempts)),
          ...(dead ? { payload: finishedPayload as never } : {}),
        })
        .where("id", "=", message.id)
        .where("status", "=", "pending")
        .where("attempts", "=", message.attempts)
        .execute();
      logger.warn(dead ? "outbox gave up" : "outbox will retry", {
        outboxId: message.id,
        kind: message.kind,
        attempts: message.attempts,
        reason,
      });
    } finally {
      clearInterval(heartbeat);
    }
  }
}
