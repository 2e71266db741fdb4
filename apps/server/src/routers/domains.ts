import { z } from "zod";
import { setEnrollment } from "../domain/domain-enrollment.js";
import * as domains from "../domain/domains.js";
import { orgProcedure, router } from "../trpc.js";
import { roleKey, uuid } from "./schemas.js";

const domainId = uuid("domain");
const domain = z
  .string({ error: "Enter a domain name, like example.com." })
  .trim()
  .min(1, "Enter a domain name, like example.com.")
  .max(253, "Domain names are at most 253 characters.");

export const domainsRouter = router({
  /** The organization's domains, verified or not, each with the TXT record that proves it. */
  list: orgProcedure("domains:manage").query(({ ctx }) => domains.listDomains(ctx.deps, ctx.access)),

  /** Claims a domain (unverified); publish `dnsRecord` from the answer, then call `verify`. */
  add: orgProcedure("domains:manage")
    .input(z.object({ domain }))
    .mutation(({ ctx, input }) => domains.addDomain(ctx.deps, ctx.access, input)),

  /** `dns`: the TXT record is looked up now; `email`: the caller is an owner with a confirmed address on it. */
  verify: orgProcedure("domains:manage")
    .input(
      z.object({
        domainId,
        method: z.enum(["dns", "email"], { error: "Verify by dns or by email." }).default("dns"),
      }),
    )
    .mutation(({ ctx, input }) => domains.verifyDomain(ctx.deps, ctx.access, input)),

  /**
   * What happens to people on a verified domain: `invitation` (confirming an address there gives a
   * pending invitation with `defaultRole`), `suggestion` (they may ask to join) or `off`.
   */
  setEnrollment: orgProcedure("domains:manage")
    .input(
      z.object({
        domainId,
        enrollment: z.enum(["off", "invitation", "suggestion"], {
          error: "Choose off, invitation or suggestion.",
        }),
        defaultRole: roleKey
          .refine((key) => key !== "owner", "People joining through a domain cannot start as owners.")
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => setEnrollment(ctx.deps, ctx.access, input)),

  remove: orgProcedure("domains:manage")
    .input(z.object({ domainId }))
    .mutation(async ({ ctx, input }) => {
      await domains.removeDomain(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),
});
