import "@roster/widgets/styles.css";
import { AcceptInvitation, InviteForm, MemberList, RosterProvider } from "@roster/widgets";
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

/** Null when nobody is signed in to the host. */
async function loadSession(): Promise<EmbedSession | null> {
  const response = await fetch("/api/roster-session");
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`The host backend answered ${response.status}.`);
  return response.json() as Promise<EmbedSession>;
}

let session = await loadSession();
// Where Roster is, even before anyone signs in (the host knows it from its configuration).
const rosterUrl = session?.rosterUrl ?? document.documentElement.dataset.rosterUrl ?? "";

/** Embed tokens live an hour: ask the host backend for a new one shortly before it runs out. */
async function token(): Promise<string> {
  if (session && new Date(session.expiresAt).getTime() - Date.now() < 60_000) session = await loadSession();
  return session?.token ?? "";
}

const signIn = () => {
  location.href = `/sign-in?next=${encodeURIComponent(location.pathname)}`;
};

const invitationToken = location.pathname.match(/^\/invite\/([A-Za-z0-9_-]+)$/)?.[1];

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    {invitationToken ? (
      // The host's own accept page: the invitation's email links here.
      <>
        <h1>Example host</h1>
        <RosterProvider url={rosterUrl} {...(session ? { token } : {})}>
          <AcceptInvitation
            token={invitationToken}
            onSignIn={signIn}
            onSignUp={signIn}
            onAccepted={() => {
              location.href = "/";
            }}
          />
        </RosterProvider>
      </>
    ) : session ? (
      <>
        <h1>{session.user.name}'s team</h1>
        <RosterProvider url={session.rosterUrl} token={token}>
          <MemberList orgId={session.orgId} />
          <InviteForm orgId={session.orgId} />
        </RosterProvider>
      </>
    ) : (
      <>
        <h1>Example host</h1>
        <p>
          <a href="/sign-in?next=/">Sign in</a> to see your team.
        </p>
      </>
    )}
  </StrictMode>,
);
