import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./client-address.js";

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const urlList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin)));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("localhost"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  ROSTER_DATA_DIR: z.string().min(1).default(".roster/data"),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SECRET_KEY: z
    .string()
    .min(32, "must be at least 32 characters (for example: openssl rand -base64 32)")
    .optional(),
  SECRET_KEY_PREVIOUS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(32, "each key must be at least 32 characters")))
    .default([]),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_FROM: z.string().min(3).default("Roster <no-reply@roster.localhost>"),
  ALLOWED_ORIGINS: urlList.default([]),
  PERSONAL_ORGANIZATIONS: flag.default(true),
  PERSONAL_ORGANIZATIONS_FOR_INVITEES: flag.default(false),
  SINGLE_ORGANIZATION: flag.default(false),
  DEFAULT_SEAT_LIMIT: z.coerce.number().int().min(1).optional(),
  CREDITS_PER_RUNNING_HOUR: z.coerce.number().min(0).max(1_000_000).default(1),
  START_WITHOUT_CREDITS: flag.default(true),
  EMAIL_MEMBERS_ON_REMOVAL: flag.default(true),
  EMAIL_MEMBERS_ON_DEACTIVATION: flag.default(true),
  EMAIL_MEMBERS_ON_ROLE_CHANGE: flag.default(true),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SIGN_UPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(20),
  FAILED_SIGN_INS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(100),
  INVITATIONS_PER_ORG_PER_HOUR: z.coerce.number().int().min(1).default(300),
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (typeof parsed === "string") {
        ctx.addIssue({
          code: "custom",
          message: `${parsed}; use a number of proxies (1) or their addresses and CIDR ranges (10.0.0.1,10.1.0.0/16)`,
        });
        return z.NEVER;
      }
      return parsed;
    }),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  MAX_BATCH_CALLS: z.coerce.number().int().min(1).max(1000).default(20),
  DNS_SERVERS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine((s) => isIP(dnsServerHost(s)) !== 0, {
          message:
            "each entry is an IP address, optionally with a port (10.0.0.53, 10.0.0.53:5353, [::1]:53)",
        }),
      ),
    )
    .default([]),
  DOMAIN_RECHECK_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  GOOGLE_CLIENT_ID: z.string().trim().min(1).max(256).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
  GITHUB_CLIENT_ID: z.string().trim().min(1).max(256).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
  MICROSOFT_CLIENT_ID: z.string().trim().min(1).max(256).optional(),
  MICROSOFT_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
  MICROSOFT_TENANT: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]{1,100}$/, "a tenant id, a verified domain, common, organizations or consumers")
    .default("common"),
  SOCIAL_TEST_PROVIDER_URL: z
    .url({ protocol: /^http$/ })
    .refine((u) => ["127.0.0.1", "[::1]", "localhost"].includes(new URL(u).hostname), {
      message:
        "must be a provider on this machine (http://127.0.0.1:PORT); it stands in for Google, GitHub and Microsoft in tests",
    })
    .optional(),
  OUTBOX_POLL_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  WEB_DIST_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  SLOW_REQUEST_MS: z.coerce.number().min(0).max(3_600_000).default(1000),
  NODE_ENV: z.string().default("development"),
});

/** The address part of a DNS server entry: `10.0.0.53:5353` → `10.0.0.53`, `[::1]:53` → `::1`. */
function dnsServerHost(entry: string): string {
  const bracketed = entry.match(/^\[([^\]]+)\](?::\d{1,5})?$/);
  if (bracketed?.[1]) return bracketed[1];
  const withPort = entry.match(/^([^:]+):\d{1,5}$/);
  return withPort?.[1] ?? entry;
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  publicUrl: string;
  secretKey: string;
  /** Keys used before SECRET_KEY; values sealed with them can still be opened. */
  previousSecretKeys: string[];
  smtpUrl: string | undefined;
  smtpFrom: string;
  allowedOrigins: string[];
  personalOrganizations: boolean;
  /** Whether someone who signs up through an invitation also gets a personal organization. */
  personalOrganizationsForInvitees: boolean;
  singleOrganization: boolean;
  defaultSeatLimit: number | undefined;
  /** Credits a resource's running time costs an hour, charged when it stops (CREDITS_PER_RUNNING_HOUR). */
  creditsPerRunningHour: number;
  /** Whether a resource may start while the organization has no credits (START_WITHOUT_CREDITS). */
  startWithoutCredits: boolean;
  /** Whether members are emailed when an admin removes them, deactivates them or changes their role. */
  memberEmails: { removal: boolean; deactivation: boolean; roleChange: boolean };
  invitationTtlDays: number;
  /** How long the events feed keeps events (EVENT_RETENTION_DAYS). */
  eventRetentionDays: number;
  /** Abuse limits: see `rate-limit.ts` and the README's configuration table. */
  rateLimits: {
    signUpsPerIpPerHour: number;
    failedSignInsPerIpPerHour: number;
    invitationsPerOrgPerHour: number;
  };
  /** Which proxies may name the client's address in X-Forwarded-For. */
  trustProxy: TrustProxy;
  /** Largest request body accepted on /trpc, in bytes. */
  maxBodyBytes: number;
  /** Most procedure calls accepted in one batched request. */
  maxBatchCalls: number;
  /** DNS servers that verify domains (empty: the system's). */
  dnsServers: string[];
  /** How often a verified domain's proof is checked again. */
  domainRecheckHours: number;
  /**
   * Sign-in with Google, GitHub and Microsoft (social-providers.ts): the providers with a client
   * ID and secret; none configured, no buttons. `testProviderUrl` (never in production, loopback
   * only) replaces every provider's endpoints with one provider on this machine, for tests.
   */
  social: {
    google: SocialClient | null;
    github: SocialClient | null;
    microsoft: (SocialClient & { tenant: string }) | null;
    testProviderUrl: string | null;
  };
  /**
   * How often the outbox worker looks for due messages when nothing woke it. New messages wake it at
   * once (LISTEN/NOTIFY) and retries at their due time; this catches only what was missed.
   */
  outboxPollSeconds: number;
  webDistDir: string | undefined;
  logLevel: Env["LOG_LEVEL"];
  /** Requests logged at `info` (with 5xx answers); every request is logged at `debug`. */
  slowRequestMs: number;
  production: boolean;
}

export interface SocialClient {
  clientId: string;
  clientSecret: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Reads the configuration once from the environment. A bad value stops start-up with a sentence
 * naming the variable. Without SECRET_KEY outside production, a key is generated once and kept in
 * the data folder so that invitation links keep working across restarts.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      return `${name} is invalid: ${issue.message} (got ${JSON.stringify(present[name] ?? "")}).`;
    });
    throw new ConfigError(`Roster cannot start. ${lines.join(" ")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (production && !e.SECRET_KEY) {
    throw new ConfigError("Roster cannot start. SECRET_KEY is required when NODE_ENV=production.");
  }
  // The session cookie is marked Secure only for an https PUBLIC_URL; production never goes without.
  if (production && (!e.PUBLIC_URL || new URL(e.PUBLIC_URL).protocol !== "https:")) {
    throw new ConfigError(
      "Roster cannot start. PUBLIC_URL must be the https:// address people use to reach Roster when NODE_ENV=production, so that session cookies are sent only over https.",
    );
  }
  if (production && !e.SMTP_URL) {
    throw new ConfigError(
      "Roster cannot start. SMTP_URL is required when NODE_ENV=production: without it, invitations and account emails would reach nobody.",
    );
  }
  const social = socialConfig(e, production);
  const dataDir = resolve(e.ROSTER_DATA_DIR);
  const shownHost = e.HOST === "0.0.0.0" || e.HOST === "::" ? "localhost" : e.HOST;
  const publicUrl = (e.PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/+$/, "");
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir,
    publicUrl,
    secretKey: e.SECRET_KEY ?? developmentSecretKey(dirname(dataDir)),
    previousSecretKeys: e.SECRET_KEY_PREVIOUS,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    allowedOrigins: e.ALLOWED_ORIGINS,
    personalOrganizations: e.PERSONAL_ORGANIZATIONS,
    personalOrganizationsForInvitees: e.PERSONAL_ORGANIZATIONS_FOR_INVITEES,
    singleOrganization: e.SINGLE_ORGANIZATION,
    defaultSeatLimit: e.DEFAULT_SEAT_LIMIT,
    creditsPerRunningHour: e.CREDITS_PER_RUNNING_HOUR,
    startWithoutCredits: e.START_WITHOUT_CREDITS,
    memberEmails: {
      removal: e.EMAIL_MEMBERS_ON_REMOVAL,
      deactivation: e.EMAIL_MEMBERS_ON_DEACTIVATION,
      roleChange: e.EMAIL_MEMBERS_ON_ROLE_CHANGE,
    },
    invitationTtlDays: e.INVITATION_TTL_DAYS,
    eventRetentionDays: e.EVENT_RETENTION_DAYS,
    rateLimits: {
      signUpsPerIpPerHour: e.SIGN_UPS_PER_IP_PER_HOUR,
      failedSignInsPerIpPerHour: e.FAILED_SIGN_INS_PER_IP_PER_HOUR,
      invitationsPerOrgPerHour: e.INVITATIONS_PER_ORG_PER_HOUR,
    },
    trustProxy: e.TRUST_PROXY,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxBatchCalls: e.MAX_BATCH_CALLS,
    dnsServers: e.DNS_SERVERS,
    domainRecheckHours: e.DOMAIN_RECHECK_HOURS,
    social,
    outboxPollSeconds: e.OUTBOX_POLL_SECONDS,
    webDistDir: e.WEB_DIST_DIR,
    logLevel: e.LOG_LEVEL,
    slowRequestMs: e.SLOW_REQUEST_MS,
    production,
  };
}

/** Each provider is on with both its client ID and secret; one without the other stops start-up. */
function socialConfig(e: Env, production: boolean): Config["social"] {
  const client = (
    name: string,
    label: string,
    id: string | undefined,
    secret: string | undefined,
  ): SocialClient | null => {
    if (!id && !secret) return null;
    if (!id || !secret) {
      throw new ConfigError(
        `Roster cannot start. ${name}_CLIENT_ID and ${name}_CLIENT_SECRET go together: set both to offer sign-in with ${label}, or neither.`,
      );
    }
    return { clientId: id, clientSecret: secret };
  };
  // A real deployment talks to the real providers: a stand-in could vouch for anyone's address.
  if (production && e.SOCIAL_TEST_PROVIDER_URL) {
    throw new ConfigError(
      "Roster cannot start. SOCIAL_TEST_PROVIDER_URL is for tests on one machine and is refused when NODE_ENV=production.",
    );
  }
  const microsoft = client("MICROSOFT", "Microsoft", e.MICROSOFT_CLIENT_ID, e.MICROSOFT_CLIENT_SECRET);
  return {
    google: client("GOOGLE", "Google", e.GOOGLE_CLIENT_ID, e.GOOGLE_CLIENT_SECRET),
    github: client("GITHUB", "GitHub", e.GITHUB_CLIENT_ID, e.GITHUB_CLIENT_SECRET),
    microsoft: microsoft && { ...microsoft, tenant: e.MICROSOFT_TENANT },
    testProviderUrl: e.SOCIAL_TEST_PROVIDER_URL?.replace(/\/+$/, "") ?? null,
  };
}

function developmentSecretKey(folder: string): string {
  const file = join(folder, "secret-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const key = randomBytes(32).toString("base64url");
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
