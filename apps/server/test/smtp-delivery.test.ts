import { sql } from "kysely";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../src/outbox/worker.js";
import { failure, linkToken, startTestServer, type TestServer } from "./helpers.js";
import { startSmtpServer, type TestSmtpServer } from "./smtp.js";

let smtp: TestSmtpServer;
let t: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestServer({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const sentTo = (address: string) => smtp.messages.filter((m) => toAddresses(m).includes(address));

function toAddresses(message: ParsedMail): string[] {
  const to = message.to ?? [];
  return (Array.isArray(to) ? to : [to]).flatMap((group) => group.value.map((v) => v.address ?? ""));
}

const outboxFor = (address: string) =>
  t.database.db
    .selectFrom("outbox")
    .selectAll()
    .where("kind", "=", "email")
    .where(sql<string>`payload->>'to'`, "=", address)
    .execute();

describe("email over SMTP", () => {
  it("delivers the verification email with a text body, an HTML body and a working link", async () => {
    const person = await t.signUp("Smtp Ada");
    expect(await t.deliver()).toBe(1);

    const message = await smtp.waitFor((m) => toAddresses(m).includes(person.email));
    expect(message.subject).toBe("Confirm your email address");
    expect(message.from?.value).toEqual([{ name: "Roster", address: "no-reply@roster.localhost" }]);
    expect(message.messageId).toMatch(/^<outbox-\d+@roster>$/);
    expect(message.text).toContain("http://roster.test/verify-email/");
    expect(message.html).toEqual(expect.stringContaining('href="http://roster.test/verify-email/'));

    const token = linkToken(message.text!, "/verify-email/");
    expect(linkToken(message.html as string, "/verify-email/")).toBe(token);
    const { user } = await t.client().auth.verifyEmail.mutate({ token });
    expect(user).toMatchObject({ id: person.user.id, emailVerified: true });

    const [row] = await outboxFor(person.email);
    expect(row).toMatchObject({ status: "sent", attempts: 1, last_error: null });
    // Nothing went to the dev mailbox instead.
    const kept = await t.database.db.selectFrom("dev_mailbox").select("id").execute();
    expect(kept).toEqual([]);
  });

  it("retries a temporarily refused message after the backoff and then sends it exactly once", async () => {
    smtp.failNext(1);
    const person = await t.signUp("Smtp Retry");
    expect(await t.deliver()).toBe(1);
    expect(sentTo(person.email)).toEqual([]);

    const [failed] = await outboxFor(person.email);
    expect(failed).toMatchObject({ status: "pending", attempts: 1, sent_at: null, locked_until: null });
    expect(failed!.last_error).toMatch(/451/);
    const delay = retryDelaySeconds(1);
    expect(failed!.next_attempt_at.getTime()).toBe(t.clock().getTime() + delay * 1000);

    // Not due yet: nothing is attempted.
    t.clock.advance(delay - 1);
    expect(await t.deliver()).toBe(0);
    expect(sentTo(person.email)).toEqual([]);

    t.clock.advance(2);
    expect(await t.deliver()).toBe(1);
    expect(await t.deliver()).toBe(0);
    const received = sentTo(person.email);
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toBe("Confirm your email address");

    const [sent] = await outboxFor(person.email);
    expect(sent).toMatchObject({ status: "sent", attempts: 2, last_error: null });
    expect(sent!.sent_at).not.toBeNull();
  });

  it("keeps every email through an SMTP outage and sends each once when the server is back", async () => {
    const port = Number(new URL(smtp.url).port);
    await smtp.close();
    const people = [];
    for (let n = 0; n < 3; n++) people.push(await t.signUp(`Outage ${n}`));
    // The server is down: every attempt fails to connect, and nothing is lost.
    expect(await t.deliver()).toBe(3);
    for (const person of people) {
      const [row] = await outboxFor(person.email);
      expect(row).toMatchObject({ status: "pending", attempts: 1, sent_at: null });
    }
    t.clock.advance(retryDelaySeconds(1) + 1);
    expect(await t.deliver()).toBe(3);

    smtp = await startSmtpServer({ port });
    t.clock.advance(retryDelaySeconds(2) + 1);
    expect(await t.deliver()).toBe(3);
    t.clock.advance(3600);
    expect(await t.deliver()).toBe(0);
    for (const person of people) {
      expect(sentTo(person.email)).toHaveLength(1);
      const [row] = await outboxFor(person.email);
      expect(row).toMatchObject({ status: "sent", attempts: 3, last_error: null });
    }
  });

  it("sends many emails over a few connections it keeps open, not one connection each", async () => {
    const before = smtp.connections;
    const people = [];
    for (let n = 0; n < 12; n++) people.push(await t.signUp(`Pooled ${n}`));
    expect(await t.deliver()).toBe(12);
    for (const person of people) await smtp.waitFor((m) => toAddresses(m).includes(person.email));
    // At most one connection per email sent at once (the email lane's concurrency, 4).
    expect(smtp.connections - before).toBeGreaterThan(0);
    expect(smtp.connections - before).toBeLessThanOrEqual(4);
  });

  it("turns the dev mailbox off when an SMTP server is configured", async () => {
    expect(await failure(t.client().dev.mailbox.query())).toMatchObject({
      code: "NOT_FOUND",
      reason: "DEV_MAILBOX_DISABLED",
      message: "The dev mailbox is only available when no SMTP server is configured.",
    });
  });
});
