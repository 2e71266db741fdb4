import { router } from "../trpc.js";
import { auditRouter } from "./audit.js";
import { authRouter } from "./auth.js";
import { devRouter } from "./dev.js";
import { embedRouter } from "./embed.js";
import { invitationsRouter } from "./invitations.js";
import { membersRouter } from "./members.js";
import { orgsRouter } from "./orgs.js";
import { rolesRouter } from "./roles.js";

export const appRouter = router({
  auth: authRouter,
  orgs: orgsRouter,
  invitations: invitationsRouter,
  members: membersRouter,
  roles: rolesRouter,
  audit: auditRouter,
  embed: embedRouter,
  dev: devRouter,
});

export type AppRouter = typeof appRouter;
