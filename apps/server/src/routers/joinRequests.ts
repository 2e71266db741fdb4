import { z } from "zod";
import * as requests from "../domain/join-requests.js";
import { authedProcedure, orgProcedure, router } from "../trpc.js";
import { cursor, pageLimit, roleKey, uuid } from "./schemas.js";

const requestId = uuid("join request");
const status = z.enum(["pending", "approved", "rejected", "withdrawn"]);

export const joinRequestsRouter = router({
  /** Organizations that suggest themselves to my confirmed address's domain, with my open request. */
  suggestions: authedProcedure.query(({ ctx }) => requests.joinSuggestions(ctx.deps, ctx.auth.user)),

  /** Asks to join one of my suggestions; its admins are told by email and event. */
  create: authedProcedure
    .input(z.object({ orgId: uuid("organization") }))
    .mutation(({ ctx, input }) => requests.requestToJoin(ctx.deps, ctx.actor, input)),

  withdraw: authedProcedure
    .input(z.object({ requestId }))
    .mutation(({ ctx, input }) => requests.withdrawJoinRequest(ctx.deps, ctx.actor, input)),

  list: orgProcedure("members:read")
    .input(z.object({ status: status.optional(), cursor, limit: pageLimit.optional() }))
    .query(({ ctx, input }) => requests.listJoinRequests(ctx.deps, ctx.access, input)),

  /** Adds the person as an active member with `role` (no more than the approver holds). */
  approve: orgProcedure("members:invite")
    .input(z.object({ requestId, role: roleKey }))
    .mutation(({ ctx, input }) => requests.approveJoinRequest(ctx.deps, ctx.access, input)),

  reject: orgProcedure("members:invite")
    .input(z.object({ requestId }))
    .mutation(({ ctx, input }) => requests.rejectJoinRequest(ctx.deps, ctx.access, input)),
});
