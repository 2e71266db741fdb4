import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type ComponentType, lazy, type ReactNode, Suspense, useRef } from "react";
import { useMutation } from "./mutation";
import { DashboardPage } from "./pages/dashboard";
import { OrgLayout } from "./pages/layout";
import { Link, match, Redirect, useRouter } from "./router";
import { errorInfo, useTRPC } from "./trpc";
import { AuthCard, Button, Loading } from "./ui";

/**
 * A page loaded as its own chunk the first time it is shown. The dashboard, where a signed-in
 * person lands, and the frame around it are in the first chunk; every other page waits its turn.
 */
function page<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  // biome-ignore lint/suspicious/noExplicitAny: any page, with the props it declares
  type Page = M[K] & ComponentType<any>;
  return lazy(() => load().then((m) => ({ default: m[name] as Page })));
}
const AccountPage = page(() => import("./pages/account"), "AccountPage");
const TwoFactorRequired = page(() => import("./pages/two-factor-required"), "TwoFactorRequired");
const CreateOrganizationPage = page(() => import("./pages/account"), "CreateOrganizationPage");
const AuditPage = page(() => import("./pages/audit"), "AuditPage");
const ForgotPassword = page(() => import("./pages/auth"), "ForgotPassword");
const ResetPassword = page(() => import("./pages/auth"), "ResetPassword");
const SignIn = page(() => import("./pages/auth"), "SignIn");
const SignUp = page(() => import("./pages/auth"), "SignUp");
const VerifyEmail = page(() => import("./pages/auth"), "VerifyEmail");
const InvitePage = page(() => import("./pages/invite"), "InvitePage");
const LinkAccountPage = page(() => import("./pages/link-account"), "LinkAccountPage");
const MailboxPage = page(() => import("./pages/mailbox"), "MailboxPage");
const MembersPage = page(() => import("./pages/members"), "MembersPage");
const ProvisioningPage = page(() => import("./pages/provisioning"), "ProvisioningPage");
const SecurityPage = page(() => import("./pages/security"), "SecurityPage");
const SettingsPage = page(() => import("./pages/settings"), "SettingsPage");
const WorkspacesPage = page(() => import("./pages/workspaces"), "WorkspacesPage");

/** Shows a page whose chunk may still be loading. */
function Loaded({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

const orgPages = {
  "": DashboardPage,
  members: MembersPage,
  workspaces: WorkspacesPage,
  settings: SettingsPage,
  security: SecurityPage,
  provisioning: ProvisioningPage,
  audit: AuditPage,
} as const;

export function App() {
  return (
    <Loaded>
      <Routes />
    </Loaded>
  );
}

function Routes() {
  const { path } = useRouter();
  const trpc = useTRPC();

  // Pages anyone can open.
  let params = match("/invite/:token", path);
  if (params) return <InvitePage token={params.token!} />;
  params = match("/link-account/:token", path);
  if (params) return <LinkAccountPage token={params.token!} />;
  params = match("/verify-email/:token", path);
  if (params) return <VerifyEmail token={params.token!} />;
  params = match("/reset-password/:token", path);
  if (params) return <ResetPassword token={params.token!} />;
  if (path === "/sign-in") return <SignIn />;
  if (path === "/sign-up") return <SignUp />;
  if (path === "/forgot-password") return <ForgotPassword />;
  if (path === "/dev/mailbox") return <MailboxPage />;

  return <SignedIn path={path} trpc={trpc} />;
}

function SignedIn({ path, trpc }: { path: string; trpc: ReturnType<typeof useTRPC> }) {
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false }));
  const orgs = useQuery(trpc.orgs.list.queryOptions(undefined, { enabled: me.isSuccess }));
  // The organization's own answer: its sign-in policy may ask this session to sign in again.
  const [, , pathOrgId = ""] = path.split("/");
  const here = useQuery(
    trpc.orgs.get.queryOptions(
      { orgId: pathOrgId },
      {
        enabled: me.isSuccess && path.startsWith("/orgs/") && /^[0-9a-f-]{36}$/.test(pathOrgId),
        retry: false,
      },
    ),
  );
  // Names of organizations seen this visit, to say which one a removed person left.
  const seen = useRef(new Map<string, string>());
  for (const o of orgs.data ?? []) seen.current.set(o.id, o.name);
  if (me.isPending) return <Loading />;
  if (me.isError) return <Redirect to={`/sign-in?next=${encodeURIComponent(path)}`} />;
  if (path === "/account") return <AccountPage />;
  if (path === "/orgs/new") return <CreateOrganizationPage />;
  if (!orgs.data) return <Loading />;

  const [, , orgId, section = ""] = path.split("/");
  if (path.startsWith("/orgs/") && orgId && section in orgPages) {
    const membership = orgs.data.find((o) => o.id === orgId);
    if (!membership) return <NoLongerMember name={seen.current.get(orgId)} />;
    if (membership.status === "deactivated") return <Deactivated name={membership.name} />;
    if (membership.requireTwoFactor && !me.data.session.twoFactor) {
      return (
        <Loaded>
          <TwoFactorRequired name={membership.name} />
        </Loaded>
      );
    }
    const policy = here.error ? errorInfo(here.error) : null;
    if (policy?.reason === "SESSION_POLICY_EXPIRED" || policy?.reason === "SIGN_IN_METHOD_NOT_ALLOWED") {
      return <SignInAgain name={membership.name} message={policy.message} next={path} />;
    }
    const Page = orgPages[section as keyof typeof orgPages];
    return (
      <OrgLayout orgId={orgId}>
        <Loaded>
          <Page orgId={orgId} />
        </Loaded>
      </OrgLayout>
    );
  }
  // First sign-in lands in the active (at first: the personal) organization.
  const usable = orgs.data.filter((o) => o.status === "active");
  const target = usable.find((o) => o.active) ?? usable[0] ?? orgs.data[0];
  return <Redirect to={target ? `/orgs/${target.id}` : "/orgs/new"} />;
}

/**
 * The organization's sign-in policy refuses this session (too old, idle too long, or signed in a way
 * it does not accept): signing in again continues here; other organizations are not affected.
 */
function SignInAgain({ name, message, next }: { name: string; message: string; next: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { navigate } = useRouter();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        navigate(`/sign-in?next=${encodeURIComponent(next)}`, true);
      },
    }),
  );
  return (
    <AuthCard id="sign-in-again-title" title={`${name} asks you to sign in again`}>
      <p>{message}</p>
      <div className="row">
        <Button busy={signOut.isPending} onClick={() => signOut.mutate()}>
          Sign in again
        </Button>
        <Link href="/" className="button button-secondary">
          Go to your organizations
        </Link>
      </div>
    </AuthCard>
  );
}

function Deactivated({ name }: { name: string }) {
  return (
    <AuthCard id="deactivated-title" title={`Your access to ${name} is paused`}>
      <p>Your membership in {name} is deactivated. Ask one of its owners to reactivate it.</p>
      <LeaveLinks />
    </AuthCard>
  );
}

/** A removed person (or a wrong address) sees why, not another organization's page. */
function NoLongerMember({ name }: { name: string | undefined }) {
  return (
    <AuthCard
      id="removed-title"
      title={name ? `You are no longer a member of ${name}` : "This organization is not available to you"}
    >
      <p>
        {name
          ? `You were removed from ${name}, so its data is no longer shown. Ask one of its owners to invite you again.`
          : "It does not exist, or you are not one of its members."}
      </p>
      <LeaveLinks />
    </AuthCard>
  );
}

function LeaveLinks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { navigate } = useRouter();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        navigate("/sign-in", true);
      },
    }),
  );
  return (
    <div className="row">
      <Link href="/" className="button button-primary">
        Go to your organizations
      </Link>
      <Button tone="secondary" busy={signOut.isPending} onClick={() => signOut.mutate()}>
        Sign out
      </Button>
    </div>
  );
}
