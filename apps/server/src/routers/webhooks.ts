import { z } from "zod";
import { listDeliveries, replayDelivery } from "../domain/webhook-delivery.js";
import * as webhooks from "../domain/webhook-endpoints.js";
import { WEBHOOK_EVENTS } from "../domain/webhook-events.js";
import { orgProcedure, router } from "../trpc.js";
import { cursor, pageLimit, uuid } from "./schemas.js";

const endpointId = uuid("webhook endpoint");
const url = z
  .string()
  .trim()
  .max(2000, "Webhook URLs are at most 2,000 characters.")
  .pipe(
    z.url({
      protocol: /^https?$/,
      error: "Enter an http or https URL, like https://example.com/hooks/roster.",
    }),
  );
const events = z
  .array(
    z.enum(WEBHOOK_EVENTS, {
      error: `Choose events from: ${WEBHOOK_EVENTS.join(", ")}.`,
    }),
  )
  .min(1, "Choose at least one event to send.")
  .max(WEBHOOK_EVENTS.length);
const description = z.string().trim().max(300, "Descriptions are at most 300 characters.");
const secret = z
  .string()
  .min(16, "A signing secret has at least 16 characters.")
  .max(200, "A signing secret has at most 200 characters.");

export const webhooksRouter = router({
  /** The events an endpoint can subscribe to. */
  events: orgProcedure("webhooks:manage").query(() => [...WEBHOOK_EVENTS]),

  list: orgProcedure("webhooks:manage").query(({ ctx }) => webhooks.listEndpoints(ctx.deps, ctx.access)),

  get: orgProcedure("webhooks:manage")
    .input(z.object({ endpointId }))
    .query(({ ctx, input }) => webhooks.getEndpoint(ctx.deps, ctx.access, input)),

  /** The signing secret is in this answer only (generated unless given). */
  create: orgProcedure("webhooks:manage")
    .input(z.object({ url, events, description: description.optional(), secret: secret.optional() }))
    .mutation(({ ctx, input }) => webhooks.createEndpoint(ctx.deps, ctx.access, input)),

  /** `enabled: true` turns a disabled endpoint back on. */
  update: orgProcedure("webhooks:manage")
    .input(
      z.object({
        endpointId,
        url: url.optional(),
        events: events.optional(),
        description: description.optional(),
        enabled: z.boolean({ error: "enabled is true or false." }).optional(),
      }),
    )
    .mutation(({ ctx, input }) => webhooks.updateEndpoint(ctx.deps, ctx.access, input)),

  rotateSecret: orgProcedure("webhooks:manage")
    .input(z.object({ endpointId, secret: secret.optional() }))
    .mutation(({ ctx, input }) => webhooks.rotateEndpointSecret(ctx.deps, ctx.access, input)),

  delete: orgProcedure("webhooks:manage")
    .input(z.object({ endpointId }))
    .mutation(async ({ ctx, input }) => {
      await webhooks.deleteEndpoint(ctx.deps, ctx.access, input);
      return { ok: true as const };
    }),

  /** Every attempt, newest first: status code, error, duration. */
  deliveries: orgProcedure("webhooks:manage")
    .input(z.object({ endpointId, cursor, limit: pageLimit.optional() }))
    .query(({ ctx, input }) => listDeliveries(ctx.deps, ctx.access, input)),

  /** Sends the event of a logged delivery again, as a new delivery (while the events feed keeps it). */
  replay: orgProcedure("webhooks:manage")
    .input(z.object({ endpointId, deliveryId: uuid("delivery") }))
    .mutation(({ ctx, input }) => replayDelivery(ctx.deps, ctx.access, input)),

  sendTest: orgProcedure("webhooks:manage")
    .input(z.object({ endpointId }))
    .mutation(({ ctx, input }) => webhooks.sendTestEvent(ctx.deps, ctx.access, input)),
});
