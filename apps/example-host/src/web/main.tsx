import "@roster/widgets/styles.css";
import { InviteForm, MemberList, RosterProvider } from "@roster/widgets";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

/** What the host's backend hands the page: where Roster is and a short-lived embed token. */
interface EmbedSession {
  rosterUrl: string;
  token: string;
  expiresAt: string;
  orgId: string;
  user: { name: string };
}

async function loadSession(): Promise<EmbedSession> {
  const response = await fetch("/api/roster-session");
  if (!response.ok) throw new Error(`The host backend answered ${response.status}.`);
  return response.json() as Promise<EmbedSession>;
}

let session = await loadSession();

/** Embed tokens live an hour: ask the host backend for a new one shortly before it runs out. */
async function token(): Promise<string> {
  if (new Date(session.expiresAt).getTime() - Date.now() < 60_000) session = await loadSession();
  return session.token;
}

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    <h1>{session.user.name}'s team</h1>
    <RosterProvider url={session.rosterUrl} token={token}>
      <MemberList orgId={session.orgId} />
      <InviteForm orgId={session.orgId} />
    </RosterProvider>
  </StrictMode>,
);
