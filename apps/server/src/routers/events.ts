import { EVENT_TYPES } from "@roster/events";
import { z } from "zod";
import { listHostEvents, listOrgEvents } from "../domain/event-feed.js";
import { hostProcedure, orgProcedure, router } from "../trpc.js";
import { uuid } from "./schemas.js";

const after = z.string().max(64, "`after` is a cursor the feed returned or an event id.").optional();
const types = z
  .array(z.enum(EVENT_TYPES, { error: `Choose event types from: ${EVENT_TYPES.join(", ")}.` }))
  .max(EVENT_TYPES.length)
  .optional();
const limit = z
  .number()
  .int()
  .min(1, "The page size is at least 1.")
  .max(500, "The page size is at most 500.")
  .optional();

export const eventsRouter = router({
  /**
   * The organization's events in commit order, from `after` (a cursor this returned, or an event
   * id). Read again with the returned `cursor`; an empty page means nothing new yet.
   */
  list: orgProcedure("events:read")
    .input(z.object({ after, types, limit }))
    .query(({ ctx, input }) => listOrgEvents(ctx.deps, ctx.access, input)),

  /** For a host backend (host API key): the events of every organization, or of `orgId`. */
  listAll: hostProcedure
    .input(z.object({ orgId: uuid("organization").optional(), after, types, limit }))
    .query(({ ctx, input }) => listHostEvents(ctx.deps, input)),
});
