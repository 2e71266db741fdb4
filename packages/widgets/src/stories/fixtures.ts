import type { RouterOutputs } from "@roster/sdk";
import type { InvitationPreview } from "../accept-invitation/accept-invitation.js";
import type {
  ApiKey,
  AuditEvent,
  Domain,
  Invitation,
  JoinRequest,
  JoinSuggestion,
  MemberListItem,
  MyInvitation,
  Organization,
  Passkey,
  Permission,
  Role,
  ServiceAccount,
  SessionSummary,
} from "../types.js";

type LinkedIdentity = RouterOutputs["auth"]["identities"][number];
type SocialProvider = RouterOutputs["auth"]["socialProviders"][number];

/** The password of the story's viewer (`auth.changePassword` refuses any other as the current one). */
export const storyPassword = "correct horse battery staple";

/**
 * Canned Roster answers for stories: a fetch that answers tRPC batch requests (GET queries and
 * POST mutations) from an in-memory organization, so every widget can be shown in every state
 * without a server.
 */
export interface Scenario {
  members?: MemberListItem[];
  role?: string;
  permissions?: Permission[];
  roles?: Role[];
  mine?: MyInvitation[];
  /** Invitations their recipients declined (`invitations.list` with status declined). */
  declined?: Invitation[];
  /** What an invitation link shows (`invitations.preview`). */
  invitation?: InvitationPreview;
  organizations?: Organization[];
  viewerId?: string;
  serviceAccounts?: ServiceAccount[];
  apiKeys?: ApiKey[];
  audit?: AuditEvent[];
  joinRequests?: JoinRequest[];
  suggestions?: JoinSuggestion[];
  domains?: Domain[];
  /** The organization's identity provider connection (`sso.get`); null: none yet. */
  sso?: SsoSettings["connection"];
  scim?: ScimSettingsData;
  /** Whether the viewer has an authenticator app (`twoFactor.status`). */
  totp?: boolean;
  /** The viewer's sessions (`auth.sessions`). */
  sessions?: SessionSummary[];
  /** The viewer's passkeys (`passkeys.list`). */
  passkeys?: Passkey[];
  /** Whether the viewer's account has a password (`auth.me`); true unless said. */
  hasPassword?: boolean;
  /** The viewer's linked Google, GitHub and Microsoft accounts (`auth.identities`). */
  identities?: LinkedIdentity[];
  /** The providers this Roster offers (`auth.socialProviders`); Google and GitHub unless said. */
  providers?: SocialProvider[];
  /** Procedures that fail, by path (`members.list`), with the reason and message Roster would give. */
  errors?: Record<string, { reason: string; message: string; httpStatus?: number }>;
  /** Procedures that never answer (a loading state). */
  pending?: string[];
}

const ALL: Permission[] = [
  "org:update",
  "org:delete",
  "org:transfer",
  "members:read",
  "members:invite",
  "members:update_role",
  "members:deactivate",
  "members:remove",
  "roles:manage",
  "service_accounts:manage",
  "audit:read",
  "domains:manage",
  "scim:manage",
];

export const builtInRoles: Role[] = [
  { key: "owner", name: "Owner", description: "Full control.", permissions: ALL, builtIn: true },
  { key: "admin", name: "Admin", description: "Manages members.", permissions: ALL.slice(3), builtIn: true },
  {
    key: "member",
    name: "Member",
    description: "Uses shared resources.",
    permissions: ["members:read"],
    builtIn: true,
  },
  {
    key: "viewer",
    name: "Viewer",
    description: "Sees without changing.",
    permissions: ["members:read"],
    builtIn: true,
  },
];

export const ownerPermissions = ALL;
export const viewerPermissions: Permission[] = ["members:read"];

const day = 24 * 60 * 60 * 1000;
const base = Date.UTC(2026, 5, 1, 12);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

export function member(
  n: number,
  name: string,
  role = "member",
  status: MemberListItem["status"] = "active",
): MemberListItem {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@example.com`;
  return {
    kind: "member",
    id: id(n),
    userId: id(n),
    invitationId: null,
    email,
    name,
    role,
    status,
    serviceAccount: false,
    createdAt: new Date(base - n * day).toISOString(),
    expiresAt: null,
    metadata: {},
  };
}

export function invitation(
  n: number,
  email: string,
  status: "invited" | "expired" = "invited",
): MemberListItem {
  return {
    kind: "invitation",
    id: id(1000 + n),
    userId: null,
    invitationId: id(1000 + n),
    email,
    name: null,
    role: "member",
    status,
    serviceAccount: false,
    createdAt: new Date(base - n * day).toISOString(),
    expiresAt: new Date(base - n * day + 7 * day).toISOString(),
    metadata: {},
  };
}

export const team: MemberListItem[] = [
  invitation(0, "new.hire@example.com"),
  member(1, "Grace Hopper", "admin"),
  member(2, "Alan Turing"),
  invitation(3, "late.reply@example.com", "expired"),
  member(4, "Katherine Johnson", "viewer"),
  member(5, "Edsger Dijkstra", "member", "deactivated"),
  member(6, "Barbara Liskov"),
  member(9, "Ada Lovelace", "owner"),
];

const firstNames = ["Ana", "Bea", "Cai", "Dev", "Eli", "Fay", "Gus", "Hal", "Ida", "Jon", "Kai", "Lea"];
const lastNames = ["Moreau", "Novak", "Okafor", "Park", "Quist", "Rossi", "Sato", "Tran", "Ueda", "Vance"];

/** `count` members with varied names, roles and statuses. */
/** An invitation its recipient declined, as `invitations.list` shows it. */
export function declinedInvitation(n: number, email: string, role = "member"): Invitation {
  const at = new Date(base - n * day);
  return {
    id: id(1500 + n),
    orgId: id(501),
    email,
    role,
    status: "declined",
    inviter: null,
    metadata: {},
    sendCount: 1,
    lastSentAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + 7 * day).toISOString(),
    createdAt: at.toISOString(),
  };
}

export function crowd(count: number): MemberListItem[] {
  return Array.from({ length: count }, (_, i) =>
    member(
      10 + i,
      `${firstNames[i % firstNames.length]} ${lastNames[Math.floor(i / firstNames.length) % lastNames.length]} ${i + 1}`,
      i % 17 === 0 ? "admin" : i % 5 === 0 ? "viewer" : "member",
      i % 23 === 0 ? "deactivated" : "active",
    ),
  );
}

export const organizations: Organization[] = [
  {
    id: id(501),
    name: "Analytical Engines",
    slug: "analytical-engines",
    personal: false,
    metadata: {},
    seatLimit: null,
    requireTwoFactor: false,
    sessionMaxAgeMinutes: null,
    idleTimeoutMinutes: null,
    allowedSignInMethods: null,
    createdAt: new Date(base).toISOString(),
    role: "owner",
    status: "active",
    memberCount: 8,
    active: true,
  },
  {
    id: id(502),
    name: "Difference Labs",
    slug: "difference-labs",
    personal: false,
    metadata: {},
    seatLimit: 20,
    requireTwoFactor: false,
    sessionMaxAgeMinutes: null,
    idleTimeoutMinutes: null,
    allowedSignInMethods: null,
    createdAt: new Date(base).toISOString(),
    role: "member",
    status: "active",
    memberCount: 14,
    active: false,
  },
];

/** An invitation link for the signed-in story viewer (auth.me answers Ada Lovelace). */
export const invitationPreview: InvitationPreview = {
  id: id(711),
  status: "pending",
  email: "ada.lovelace@example.com",
  role: "admin",
  roleName: "Admin",
  organization: { id: id(502), name: "Difference Labs" },
  inviter: { name: "Grace Hopper" },
  expiresAt: new Date(base + 7 * day).toISOString(),
  accountExists: true,
};

export const myInvitations: MyInvitation[] = [
  {
    id: id(701),
    organization: { id: id(502), name: "Difference Labs", slug: "difference-labs" },
    inviter: { name: "Grace Hopper" },
    role: "member",
    roleName: "Member",
    email: "ada@example.com",
    expiresAt: new Date(base + 7 * day).toISOString(),
    createdAt: new Date(base).toISOString(),
  },
  {
    id: id(702),
    organization: { id: id(503), name: "Jacquard Looms", slug: "jacquard-looms" },
    inviter: null,
    role: "admin",
    roleName: "Admin",
    email: "ada@example.com",
    expiresAt: new Date(base + 7 * day).toISOString(),
    createdAt: new Date(base).toISOString(),
  },
];

export const serviceAccounts: ServiceAccount[] = [
  {
    userId: id(801),
    name: "Nightly export",
    description: "Copies usage to the warehouse.",
    role: "viewer",
    status: "active",
    createdAt: new Date(base - 30 * day).toISOString(),
    keys: 2,
  },
  {
    userId: id(802),
    name: "CI deployer",
    description: "",
    role: "member",
    status: "active",
    createdAt: new Date(base - 3 * day).toISOString(),
    keys: 0,
  },
];

export const apiKeys: ApiKey[] = [
  {
    id: "k2m4q6s8u2w4y6a8c2e4g6j8",
    name: "Warehouse",
    masked: "rk_k2m4q6s8u2w4y6a8c2e4g6j8_••••…9f3a",
    createdAt: new Date(base - 20 * day).toISOString(),
    lastUsedAt: new Date(base - day).toISOString(),
    revokedAt: null,
  },
  {
    id: "n3p5r7t9v3x5z7b9d3f5h7k9",
    name: "Old laptop",
    masked: "rk_n3p5r7t9v3x5z7b9d3f5h7k9_••••…11c0",
    createdAt: new Date(base - 29 * day).toISOString(),
    lastUsedAt: null,
    revokedAt: new Date(base - 10 * day).toISOString(),
  },
];

const auditActions = [
  "member.joined",
  "member.role_changed",
  "org.updated",
  "api_key.created",
  "member.removed",
];
/** `count` audit entries, newest first, by the team's people. */
export function auditTrail(count: number): AuditEvent[] {
  const people = team.filter((m) => m.kind === "member");
  return Array.from({ length: count }, (_, i) => {
    const actor = people[i % people.length]!;
    const target = people[(i + 3) % people.length]!;
    return {
      id: String(10_000 - i),
      action: auditActions[i % auditActions.length]!,
      actor: { id: actor.id, name: actor.name ?? "", email: actor.email },
      targetType: "user",
      targetId: target.id,
      targetName: target.name ?? target.email,
      data: {},
      people: {},
      ip: "203.0.113.7",
      userAgent: null,
      createdAt: new Date(base - i * 3_600_000).toISOString(),
    };
  });
}

export const joinRequests: JoinRequest[] = [
  {
    id: "d1e2f3a4-0000-4000-8000-000000000001",
    orgId: "o1",
    user: { id: id(801), name: "Mary Somerville", email: "mary@difference.example" },
    domain: "difference.example",
    status: "pending",
    role: null,
    decidedAt: null,
    createdAt: new Date(base - 2 * 3_600_000).toISOString(),
  },
];

export const suggestions: JoinSuggestion[] = [
  {
    orgId: "o-analytical",
    name: "Analytical Engines",
    slug: "analytical",
    domain: "difference.example",
    request: null,
  },
];

export const domains: Domain[] = [
  {
    id: "d0000000-0000-4000-8000-000000000001",
    domain: "difference.example",
    status: "verified",
    verificationMethod: "dns",
    verifiedAt: new Date(base - 30 * day).toISOString(),
    lastCheckedAt: new Date(base - day).toISOString(),
    dnsRecord: { type: "TXT", name: "_roster.difference.example", value: "roster-verification=7f3a9c2e1b" },
    enrollment: "suggestion",
    defaultRole: "member",
    createdAt: new Date(base - 31 * day).toISOString(),
  },
  {
    id: "d0000000-0000-4000-8000-000000000002",
    domain: "engines.example",
    status: "pending",
    verificationMethod: null,
    verifiedAt: null,
    lastCheckedAt: null,
    dnsRecord: { type: "TXT", name: "_roster.engines.example", value: "roster-verification=41d8e0aa92" },
    enrollment: "off",
    defaultRole: "member",
    createdAt: new Date(base - day).toISOString(),
  },
];

type SsoSettings = RouterOutputs["sso"]["get"];
type ScimSettingsData = RouterOutputs["scim"]["get"];

export const ssoConnection: NonNullable<SsoSettings["connection"]> = {
  id: "c0000000-0000-4000-8000-000000000001",
  protocol: "oidc",
  enforced: false,
  defaultRole: "member",
  oidc: { issuer: "https://login.difference.example", clientId: "roster-app", clientSecretSet: true },
  saml: null,
  createdAt: new Date(base - 20 * day).toISOString(),
  updatedAt: new Date(base - 20 * day).toISOString(),
};

export const scimSettings: ScimSettingsData = {
  baseUrl: "https://roster.example/scim/v2",
  defaultRole: "member",
  tokens: [
    {
      id: "rsc_okta",
      name: "Okta",
      masked: "rsc_okta_••••7f3a",
      createdAt: new Date(base - 10 * day).toISOString(),
      lastUsedAt: new Date(base - day).toISOString(),
      revokedAt: null,
    },
  ],
  groups: [
    { groupId: "g0000000-0000-4000-8000-000000000001", name: "Engineers", role: "admin", provisioned: true },
  ],
};

type Input = Record<string, unknown> | undefined;

class Refusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly httpStatus = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The viewer signed in on a laptop (this session) and a phone. */
export const sessions: SessionSummary[] = [
  {
    id: "s-laptop",
    createdAt: new Date(base - 3 * day).toISOString(),
    lastSeenAt: new Date(base).toISOString(),
    expiresAt: new Date(base + 27 * day).toISOString(),
    userAgent:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    ip: "203.0.113.7",
    authMethod: "password",
    current: true,
  },
  {
    id: "s-phone",
    createdAt: new Date(base - 10 * day).toISOString(),
    lastSeenAt: new Date(base - day).toISOString(),
    expiresAt: new Date(base + 20 * day).toISOString(),
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ip: "198.51.100.23",
    authMethod: "passkey",
    current: false,
  },
];

/** A passkey on the laptop. */
export const passkeys: Passkey[] = [
  {
    id: "e0000000-0000-4000-8000-000000000001",
    name: "Work laptop",
    backedUp: true,
    createdAt: new Date(base - 30 * day).toISOString(),
    lastUsedAt: new Date(base - day).toISOString(),
  },
];

/** Google and GitHub offered, as configured with a client ID and secret each. */
export const socialProviders: SocialProvider[] = [
  { id: "google", name: "Google", startPath: "/auth/social/google/start" },
  { id: "github", name: "GitHub", startPath: "/auth/social/github/start" },
];

/** A Google and a GitHub account linked to the viewer's. */
export const identities: LinkedIdentity[] = [
  {
    provider: "google",
    providerName: "Google",
    subject: "108234567890123456789",
    email: "ada.lovelace@gmail.com",
    createdAt: new Date(base - 60 * day).toISOString(),
    lastSignInAt: new Date(base - 2 * day).toISOString(),
  },
  {
    provider: "github",
    providerName: "GitHub",
    subject: "5811234",
    email: "ada@analytical.engine",
    createdAt: new Date(base - 20 * day).toISOString(),
    lastSignInAt: null,
  },
];

const recoveryCodes = Array.from({ length: 10 }, (_, i) => `ab${i}cd-ef${i}gh`);

/** The in-memory organization behind one story. */
function answerer(scenario: Scenario) {
  let members = [...(scenario.members ?? [])];
  let mine = [...(scenario.mine ?? [])];
  let orgs = [...(scenario.organizations ?? organizations)];
  let accounts = [...(scenario.serviceAccounts ?? [])];
  let keys = [...(scenario.apiKeys ?? [])];
  const audit = scenario.audit ?? [];
  let requests = [...(scenario.joinRequests ?? [])];
  let offered = [...(scenario.suggestions ?? [])];
  let claimed = [...(scenario.domains ?? [])];
  let totp = scenario.totp ?? false;
  let signedIn = [...(scenario.sessions ?? sessions)];
  let keysOfViewer = [...(scenario.passkeys ?? [])];
  let linked = [...(scenario.identities ?? [])];
  const hasPassword = scenario.hasPassword ?? true;
  const find = (userId: unknown) => {
    const m = members.find((x) => x.id === userId);
    if (!m) throw new Refusal("MEMBER_NOT_FOUND", "This person is not a member of the organization.", 404);
    return m;
  };
  const update = (userId: unknown, change: Partial<MemberListItem>) => {
    members = members.map((m) => (m.id === userId ? { ...m, ...change } : m));
  };
  const handlers: Record<string, (input: Input) => unknown> = {
    "auth.me": () => ({
      user: { id: scenario.viewerId ?? id(9), email: "ada.lovelace@example.com", name: "Ada Lovelace" },
      session: { id: "s", expiresAt: new Date(base + day).toISOString() },
      hasPassword,
    }),
    "orgs.permissions": () => ({ role: scenario.role ?? "owner", permissions: scenario.permissions ?? ALL }),
    "roles.list": () => scenario.roles ?? builtInRoles,
    "orgs.list": () => orgs,
    "orgs.setActive": (input) => {
      orgs = orgs.map((o) => ({ ...o, active: o.id === input?.orgId }));
      return { orgId: input?.orgId };
    },
    "orgs.create": (input) => {
      const org = {
        ...organizations[0]!,
        id: id(600 + orgs.length),
        name: String(input?.name),
        active: true,
      };
      orgs = [...orgs.map((o) => ({ ...o, active: false })), org];
      return org;
    },
    "members.list": (input) => {
      const search = String(input?.search ?? "").toLowerCase();
      const rows = members.filter(
        (m) =>
          (!search || m.email.startsWith(search) || (m.name ?? "").toLowerCase().startsWith(search)) &&
          (!input?.status || m.status === input.status) &&
          (!input?.role || m.role === input.role),
      );
      const start = Number(input?.cursor ?? 0);
      const limit = Number(input?.limit ?? 50);
      const end = start + limit;
      return { items: rows.slice(start, end), nextCursor: end < rows.length ? String(end) : null };
    },
    "members.updateRole": (input) => {
      find(input?.userId);
      update(input?.userId, { role: String(input?.role) });
      return { userId: input?.userId, role: input?.role };
    },
    "members.deactivate": (input) => {
      find(input?.userId);
      update(input?.userId, { status: "deactivated" });
      return { ok: true };
    },
    "members.reactivate": (input) => {
      find(input?.userId);
      update(input?.userId, { status: "active" });
      return { ok: true };
    },
    "members.remove": (input) => {
      const ids = (input?.userIds as string[]) ?? [];
      if (!input?.transferTo && ids.some((u) => members.find((m) => m.id === u)?.name === "Alan Turing")) {
        throw new Refusal(
          "TRANSFER_REQUIRED",
          "Some of these members own resources. Choose a member to take them over, then remove again.",
          409,
          { owners: [{ userId: members.find((m) => m.name === "Alan Turing")?.id, resources: 2 }] },
        );
      }
      members = members.filter((m) => !ids.includes(m.id));
      return { removed: ids, transferred: 0 };
    },
    "invitations.list": (input) => ({
      items: input?.status === "declined" ? (scenario.declined ?? []) : [],
      nextCursor: null,
    }),
    "invitations.resend": () => ({ ok: true }),
    "invitations.revoke": (input) => {
      members = members.filter((m) => m.id !== input?.invitationId);
      return { ok: true };
    },
    "invitations.link": (input) => ({
      url: `https://roster.example/invite/${String(input?.invitationId).slice(-8)}`,
      expiresAt: new Date(base + 7 * day).toISOString(),
    }),
    "invitations.create": (input) => ({
      results: ((input?.emails as string[]) ?? []).map((email) => ({
        email,
        status: !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
          ? "invalid"
          : members.some((m) => m.email === email)
            ? "already_member"
            : "invited",
      })),
    }),
    "invitations.mine": () => mine,
    "orgs.get": (input) => {
      const {
        role: _role,
        status: _status,
        memberCount: _count,
        active: _active,
        ...org
      } = orgs.find((o) => o.id === input?.orgId) ?? orgs[0]!;
      return org;
    },
    "orgs.update": (input) => {
      orgs = orgs.map((o) => (o.id === input?.orgId ? { ...o, ...(input as Partial<Organization>) } : o));
      return orgs.find((o) => o.id === input?.orgId);
    },
    "orgs.setTwoFactorPolicy": (input) => {
      const requireTwoFactor = input?.required === true;
      orgs = orgs.map((o) => (o.id === input?.orgId ? { ...o, requireTwoFactor } : o));
      return { requireTwoFactor };
    },
    "orgs.setSignInPolicy": (input) => {
      const change = {
        sessionMaxAgeMinutes: (input?.sessionMaxAgeMinutes as number | null | undefined) ?? null,
        idleTimeoutMinutes: (input?.idleTimeoutMinutes as number | null | undefined) ?? null,
        allowedSignInMethods: (input?.allowedSignInMethods as Organization["allowedSignInMethods"]) ?? null,
      };
      orgs = orgs.map((o) => (o.id === input?.orgId ? { ...o, ...change } : o));
      return { ...change, signInAgain: false };
    },
    "orgs.transferOwnership": (input) => {
      update(input?.userId, { role: "owner" });
      return { ok: true };
    },
    "orgs.delete": () => ({ ok: true }),
    "members.leave": () => ({ ok: true }),
    "serviceAccounts.list": () => accounts,
    "serviceAccounts.create": (input) => {
      const account: ServiceAccount = {
        userId: id(900 + accounts.length),
        name: String(input?.name),
        description: "",
        role: String(input?.role),
        status: "active",
        createdAt: new Date(base).toISOString(),
        keys: 0,
      };
      accounts = [...accounts, account];
      return account;
    },
    "serviceAccounts.delete": (input) => {
      accounts = accounts.filter((a) => a.userId !== input?.userId);
      return { transferred: 0 };
    },
    "serviceAccounts.keys": () => keys,
    "serviceAccounts.createKey": (input) => {
      const keyId = "p4r6t8v2x4z6b8d2f4h6k8m2";
      const apiKey: ApiKey = {
        id: keyId,
        name: String(input?.name),
        masked: `rk_${keyId}_••••…7d1e`,
        createdAt: new Date(base).toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      };
      keys = [apiKey, ...keys];
      return { key: `rk_${keyId}_3xampl3s3cr3tv4lu3th4t1s0nlysh0wn0nc3`, apiKey };
    },
    "serviceAccounts.revokeKey": (input) => {
      keys = keys.map((k) => (k.id === input?.keyId ? { ...k, revokedAt: new Date(base).toISOString() } : k));
      return { ok: true };
    },
    "audit.list": (input) => {
      const rows = audit.filter(
        (e) =>
          (!input?.actorId || e.actor?.id === input.actorId) &&
          (!input?.action || e.action === input.action) &&
          (!input?.targetType || e.targetType === input.targetType) &&
          (!input?.targetId || e.targetId === input.targetId),
      );
      const start = Number(input?.cursor ?? 0);
      const end = start + Number(input?.limit ?? 50);
      return { items: rows.slice(start, end), nextCursor: end < rows.length ? String(end) : null };
    },
    "invitations.preview": () => scenario.invitation ?? invitationPreview,
    "invitations.accept": (input) => {
      if (input?.token) {
        const preview = scenario.invitation ?? invitationPreview;
        return { orgId: preview.organization.id, role: preview.role };
      }
      const inv = mine.find((i) => i.id === input?.invitationId);
      mine = mine.filter((i) => i.id !== input?.invitationId);
      return { orgId: inv?.organization.id, role: inv?.role };
    },
    "joinRequests.list": () => ({ items: requests, nextCursor: null }),
    "joinRequests.approve": (input) => {
      requests = requests.filter((r) => r.id !== input?.requestId);
      return { ok: true };
    },
    "joinRequests.reject": (input) => {
      requests = requests.filter((r) => r.id !== input?.requestId);
      return { ok: true };
    },
    "joinRequests.suggestions": () => offered,
    "joinRequests.create": (input) => {
      const request = { id: "r-1", status: "pending" as const, createdAt: new Date(base).toISOString() };
      offered = offered.map((o) => (o.orgId === input?.orgId ? { ...o, request } : o));
      return { id: request.id, status: "pending" };
    },
    "joinRequests.withdraw": (input) => {
      offered = offered.map((o) => (o.request?.id === input?.requestId ? { ...o, request: null } : o));
      return { ok: true };
    },
    "sso.get": (input) => ({
      connection: scenario.sso ?? null,
      serviceProvider: {
        redirectUri: "https://roster.example/sso/oidc/callback",
        acsUrl: `https://roster.example/sso/saml/${String(input?.orgId)}/acs`,
        entityId: `https://roster.example/sso/saml/${String(input?.orgId)}/metadata`,
        metadataUrl: `https://roster.example/sso/saml/${String(input?.orgId)}/metadata`,
      },
    }),
    "scim.get": () => scenario.scim ?? { ...scimSettings, tokens: [], groups: [] },
    "domains.list": () => claimed,
    "domains.add": (input) => {
      const name = String(input?.domain);
      const added: Domain = {
        ...domains[1]!,
        id: `d0000000-0000-4000-8000-${String(claimed.length + 1).padStart(12, "0")}`,
        domain: name,
        dnsRecord: { type: "TXT", name: `_roster.${name}`, value: "roster-verification=5be2c7d1f0" },
      };
      claimed = [...claimed, added];
      return added;
    },
    "domains.verify": () => {
      throw new Refusal(
        "DOMAIN_NOT_VERIFIED",
        "The TXT record was not found yet. DNS changes can take a while to appear.",
        400,
      );
    },
    "domains.setEnrollment": (input) => {
      claimed = claimed.map((d) =>
        d.id === input?.domainId
          ? {
              ...d,
              enrollment: input?.enrollment as Domain["enrollment"],
              defaultRole: String(input?.defaultRole ?? d.defaultRole),
            }
          : d,
      );
      return claimed.find((d) => d.id === input?.domainId);
    },
    "domains.remove": (input) => {
      claimed = claimed.filter((d) => d.id !== input?.domainId);
      return { ok: true };
    },
    "twoFactor.status": () => ({
      totp,
      passkeys: 0,
      recoveryCodesLeft: totp ? 10 : 0,
      enabled: totp,
      sessionTwoFactor: totp,
    }),
    "twoFactor.startTotp": () => ({
      secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
      uri: "otpauth://totp/Roster:ada.lovelace%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
      qrSvg:
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="21" height="21" fill="#fff"/><path d="M1 1h7v7H1zM13 1h7v7h-7zM1 13h7v7H1z"/></svg>',
    }),
    "twoFactor.confirmTotp": (input) => {
      if (input?.code !== "123456")
        throw new Refusal("INVALID_TWO_FACTOR_CODE", "This code is not right. Enter the current code.", 400);
      totp = true;
      return { recoveryCodes };
    },
    "twoFactor.disableTotp": () => {
      totp = false;
      return { ok: true };
    },
    "twoFactor.regenerateRecoveryCodes": () => ({ recoveryCodes }),
    "passkeys.list": () => keysOfViewer,
    "passkeys.rename": (input) => {
      keysOfViewer = keysOfViewer.map((k) =>
        k.id === input?.passkeyId ? { ...k, name: String(input?.name) } : k,
      );
      return { ok: true };
    },
    "passkeys.remove": (input) => {
      keysOfViewer = keysOfViewer.filter((k) => k.id !== input?.passkeyId);
      return { ok: true };
    },
    "auth.changePassword": (input) => {
      if (input?.current !== storyPassword)
        throw new Refusal("INVALID_PASSWORD", "Your current password is incorrect.", 400);
      const ended = signedIn.filter((s) => !s.current).length;
      signedIn = signedIn.filter((s) => s.current);
      return { endedSessions: ended };
    },
    "auth.identities": () => linked,
    "auth.socialProviders": () => scenario.providers ?? socialProviders,
    "auth.linkIdentity": (input) => ({
      url: `https://${String(input?.provider)}.example/authorize?state=story`,
    }),
    "auth.unlinkIdentity": (input) => {
      const others = linked.filter((i) => i.provider !== input?.provider || i.subject !== input?.subject);
      if (!hasPassword && keysOfViewer.length === 0 && others.length === 0)
        throw new Refusal("LAST_SIGN_IN_METHOD", "This is your only way to sign in.", 409);
      linked = others;
      return { ok: true };
    },
    "auth.sessions": () => signedIn,
    "auth.revokeSession": (input) => {
      signedIn = signedIn.filter((s) => s.id !== input?.sessionId);
      return { ok: true };
    },
    "auth.revokeOtherSessions": () => {
      const ended = signedIn.filter((s) => !s.current).length;
      signedIn = signedIn.filter((s) => s.current);
      return { endedSessions: ended };
    },
    "invitations.decline": (input) => {
      mine = mine.filter((i) => i.id !== input?.invitationId);
      return { ok: true };
    },
  };
  return (path: string, input: Input): unknown => {
    const error = scenario.errors?.[path];
    if (error) throw new Refusal(error.reason, error.message, error.httpStatus ?? 400);
    const handler = handlers[path];
    if (!handler) throw new Refusal("NOT_FOUND", `No story data for ${path}.`, 404);
    return handler(input);
  };
}

const codes: Record<number, [string, number]> = {
  400: ["BAD_REQUEST", -32600],
  401: ["UNAUTHORIZED", -32001],
  403: ["FORBIDDEN", -32003],
  404: ["NOT_FOUND", -32004],
  409: ["CONFLICT", -32009],
  429: ["TOO_MANY_REQUESTS", -32029],
  500: ["INTERNAL_SERVER_ERROR", -32603],
};

/** A `fetch` for `RosterProvider` that answers from `scenario` instead of a server. */
export function fixtureFetch(scenario: Scenario): typeof fetch {
  const answer = answerer(scenario);
  return async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const paths = decodeURIComponent(url.pathname.replace(/^.*\/trpc\//, "")).split(",");
    const raw = init?.body ? String(init.body) : (url.searchParams.get("input") ?? "{}");
    const inputs = JSON.parse(raw) as Record<string, Input>;
    if (paths.some((p) => scenario.pending?.includes(p))) return new Promise<Response>(() => {});
    const body = paths.map((path, i) => {
      try {
        return { result: { data: answer(path, inputs[String(i)]) } };
      } catch (error) {
        const refusal =
          error instanceof Refusal
            ? error
            : new Refusal("INTERNAL", "Something went wrong on our side.", 500);
        const [code, jsonCode] = codes[refusal.httpStatus] ?? codes[500]!;
        return {
          error: {
            message: refusal.message,
            code: jsonCode,
            data: {
              code,
              httpStatus: refusal.httpStatus,
              path,
              reason: refusal.reason,
              ...(refusal.details ? { details: refusal.details } : {}),
            },
          },
        };
      }
    });
    // A short pause, as a network would, so busy states are visible.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const failed = body.some((b) => "error" in b);
    return new Response(JSON.stringify(body), {
      status: failed ? 207 : 200,
      headers: { "content-type": "application/json" },
    });
  };
}
