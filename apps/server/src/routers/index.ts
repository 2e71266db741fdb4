import { router } from "../trpc.js";
import { auditRouter } from "./audit.js";
import { authRouter } from "./auth.js";
import { devRouter } from "./dev.js";
import { domainsRouter } from "./domains.js";
import { embedRouter } from "./embed.js";
import { eventsRouter } from "./events.js";
import { groupsRouter } from "./groups.js";
import { hostRouter } from "./host.js";
import { invitationsRouter } from "./invitations.js";
import { joinRequestsRouter } from "./joinRequests.js";
import { membersRouter } from "./members.js";
import { orgsRouter } from "./orgs.js";
import { passkeysRouter } from "./passkeys.js";
import { resourcesRouter } from "./resources.js";
import { rolesRouter } from "./roles.js";
import { scimRouter } from "./scim.js";
import { serviceAccountsRouter } from "./serviceAccounts.js";
import { settingsRouter } from "./settings.js";
import { ssoRouter } from "./sso.js";
import { twoFactorRouter } from "./twoFactor.js";
import { usageRouter } from "./usage.js";
import { webhooksRouter } from "./webhooks.js";
import { workspacesRouter } from "./workspaces.js";

export const appRouter = router({
  auth: authRouter,
  twoFactor: twoFactorRouter,
  passkeys: passkeysRouter,
  orgs: orgsRouter,
  invitations: invitationsRouter,
  members: membersRouter,
  roles: rolesRouter,
  audit: auditRouter,
  workspaces: workspacesRouter,
  groups: groupsRouter,
  serviceAccounts: serviceAccountsRouter,
  settings: settingsRouter,
  resources: resourcesRouter,
  usage: usageRouter,
  webhooks: webhooksRouter,
  domains: domainsRouter,
  scim: scimRouter,
  events: eventsRouter,
  joinRequests: joinRequestsRouter,
  sso: ssoRouter,
  embed: embedRouter,
  host: hostRouter,
  dev: devRouter,
});

export type AppRouter = typeof appRouter;
