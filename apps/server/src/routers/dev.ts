import { z } from "zod";
import { notFound } from "../errors.js";
import { publicProcedure, router } from "../trpc.js";

export const devRouter = router({
  /**
   * Every email the server sent, newest first, optionally only those whose address contains `to`.
   * Only on a deployment without SMTP_URL.
   */
  mailbox: publicProcedure
    .input(
      z
        .object({
          to: z.string().trim().max(254).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => {
      const { config, db } = ctx.deps;
      if (config.smtpUrl || config.production) {
        throw notFound(
          "DEV_MAILBOX_DISABLED",
          "The dev mailbox is only available when no SMTP server is configured.",
        );
      }
      let query = db
        .selectFrom("dev_mailbox")
        .selectAll()
        .orderBy("id", "desc")
        .limit(input?.limit ?? 50);
      // Any part of the address: "carol", "@example.com" and "carol@example.com" all find Carol's.
      if (input?.to) {
        const part = input.to.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
        query = query.where((eb) => eb(eb.fn("lower", ["to"]), "like", `%${part}%`));
      }
      const rows = await query.execute();
      return rows.map((m) => ({
        id: m.id,
        to: m.to,
        from: m.from,
        subject: m.subject,
        text: m.text,
        html: m.html,
        createdAt: m.created_at.toISOString(),
      }));
    }),
});
