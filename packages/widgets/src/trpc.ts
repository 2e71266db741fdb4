import type { AppRouter } from "@roster/sdk";
import { createTRPCContext } from "@trpc/tanstack-react-query";

// Annotated so that declaration emit can name the type (see STACK.md).
type RosterTRPCContext = ReturnType<typeof createTRPCContext<AppRouter>>;

const context: RosterTRPCContext = createTRPCContext<AppRouter>();

export const TRPCProvider: RosterTRPCContext["TRPCProvider"] = context.TRPCProvider;
/** The typed tRPC options proxy of the nearest `RosterProvider`, for hosts that build their own views. */
export const useTRPC: RosterTRPCContext["useTRPC"] = context.useTRPC;
export const useTRPCClient: RosterTRPCContext["useTRPCClient"] = context.useTRPCClient;
