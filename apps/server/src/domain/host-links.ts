import type { Database, Invitation } from "@roster/db";
import type { Kysely } from "kysely";
import type { Deps } from "../deps.js";
import { badRequest } from "../errors.js";

/**
 * A host product's own pages. Links Roster emails for the host's users (invitations made through
 * its embed tokens, password resets and address confirmations of accounts it made) land there
 * instead of on Roster's web app, and invitations may name a redirect URL from the host's list.
 */
export interface HostLinks {
  /** e.g. `https://host.example/invite/{token}`; `{token}` is replaced by the invitation token. */
  acceptInvitationUrl: string | null;
  resetPasswordUrl: string | null;
  verifyEmailUrl: string | null;
  /** Exact URLs (origin and path), or prefixes ending in `*`. */
  redirectUrls: string[];
}

export const TOKEN_PLACEHOLDER = "{token}";
const MAX_REDIRECT_URLS = 20;

const invalid = (message: string) => badRequest("INVALID_HOST_URL", message);

/** An absolute https URL (http allowed outside production), without credentials or fragment. */
function checkAbsolute(production: boolean, raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(
      `The ${what} "${raw}" is not an absolute URL. Write it as https://your-product.example/path.`,
    );
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && !production)) {
    throw invalid(`The ${what} must use https.`);
  }
  if (url.username || url.password) throw invalid(`The ${what} cannot contain a user name or password.`);
  if (url.hash) throw invalid(`The ${what} cannot contain a #fragment.`);
  return url;
}

/** A link template: an absolute URL with `{token}` once, in its path or query. */
export function checkLinkTemplate(production: boolean, raw: string, what: string): string {
  const parts = raw.split(TOKEN_PLACEHOLDER);
  if (parts.length !== 2) throw invalid(`The ${what} must contain {token} exactly once.`);
  const sample = checkAbsolute(production, raw.replace(TOKEN_PLACEHOLDER, "token"), what);
  if (!raw.startsWith(sample.origin)) throw invalid(`The ${what} cannot put {token} in the host name.`);
  return raw;
}

/** A redirect list entry: an absolute URL without query, optionally ending in `*` (a prefix). */
export function checkRedirectEntry(production: boolean, raw: string): string {
  const prefix = raw.endsWith("*");
  const base = prefix ? raw.slice(0, -1) : raw;
  if (base.includes("*")) throw invalid("A redirect URL may contain * only at its end.");
  const url = checkAbsolute(production, base, "redirect URL");
  if (url.search) throw invalid("A redirect URL in the list cannot contain a ?query.");
  return prefix ? `${url.origin}${url.pathname}*` : `${url.origin}${url.pathname}`;
}

/**
 * Whether `raw` is allowed by the list: its origin and path equal an exact entry, or start with a
 * prefix entry. The query may be anything; the origin always compares whole, so
 * `https://host.example*` does not admit `https://host.example.evil.test`.
 */
export function redirectAllowed(list: readonly string[], raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  const target = `${url.origin}${url.pathname}`;
  return list.some((entry) => {
    if (!entry.endsWith("*")) return entry === target;
    const prefix = new URL(entry.slice(0, -1));
    return prefix.origin === url.origin && url.pathname.startsWith(prefix.pathname);
  });
}

export function requireAllowedRedirect(list: readonly string[], raw: string): string {
  if (!redirectAllowed(list, raw)) {
    throw badRequest(
      "REDIRECT_URL_NOT_ALLOWED",
      "This redirect URL is not in the host's list of allowed redirect URLs. Add it with host.update first.",
    );
  }
  return raw;
}

/** `template` with the token in place of `{token}`. */
export const fillTemplate = (template: string, token: string) =>
  template.replace(TOKEN_PLACEHOLDER, encodeURIComponent(token));

/** A redirect URL with the token added as the `token` query parameter. */
export function withToken(redirectUrl: string, token: string): string {
  const url = new URL(redirectUrl);
  url.searchParams.set("token", token);
  return url.toString();
}

export async function getHostLinks(db: Kysely<Database>, hostKeyId: string): Promise<HostLinks> {
  const row = await db
    .selectFrom("host_api_keys")
    .select(["accept_invitation_url", "reset_password_url", "verify_email_url", "redirect_urls"])
    .where("id", "=", hostKeyId)
    .executeTakeFirstOrThrow();
  return {
    acceptInvitationUrl: row.accept_invitation_url,
    resetPasswordUrl: row.reset_password_url,
    verifyEmailUrl: row.verify_email_url,
    redirectUrls: row.redirect_urls,
  };
}

export type HostLinksUpdate = { [K in keyof HostLinks]?: HostLinks[K] | undefined };

/** Validates every URL given, then stores them; nothing is stored if one is refused. */
export async function updateHostLinks(
  db: Kysely<Database>,
  production: boolean,
  hostKeyId: string,
  input: HostLinksUpdate,
): Promise<HostLinks> {
  const template = (raw: string | null | undefined, what: string) =>
    raw == null ? raw : checkLinkTemplate(production, raw, what);
  const acceptInvitationUrl = template(input.acceptInvitationUrl, "accept-invitation URL");
  const resetPasswordUrl = template(input.resetPasswordUrl, "reset-password URL");
  const verifyEmailUrl = template(input.verifyEmailUrl, "verify-email URL");
  let redirectUrls: string[] | undefined;
  if (input.redirectUrls !== undefined) {
    if (input.redirectUrls.length > MAX_REDIRECT_URLS) {
      throw invalid(`List at most ${MAX_REDIRECT_URLS} redirect URLs.`);
    }
    redirectUrls = [...new Set(input.redirectUrls.map((raw) => checkRedirectEntry(production, raw)))];
  }
  await db
    .updateTable("host_api_keys")
    .set({
      ...(acceptInvitationUrl !== undefined ? { accept_invitation_url: acceptInvitationUrl } : {}),
      ...(resetPasswordUrl !== undefined ? { reset_password_url: resetPasswordUrl } : {}),
      ...(verifyEmailUrl !== undefined ? { verify_email_url: verifyEmailUrl } : {}),
      ...(redirectUrls !== undefined ? { redirect_urls: redirectUrls } : {}),
    })
    .where("id", "=", hostKeyId)
    .execute();
  return getHostLinks(db, hostKeyId);
}

/**
 * Where an account's emailed link goes: the page of the host that made the account, when that
 * host names one, else Roster's own page.
 */
export async function accountLink(
  deps: Deps,
  db: Kysely<Database>,
  user: { host_key_id: string | null },
  kind: "reset_password" | "verify_email",
  token: string,
): Promise<string> {
  if (user.host_key_id) {
    const links = await getHostLinks(db, user.host_key_id);
    const template = kind === "reset_password" ? links.resetPasswordUrl : links.verifyEmailUrl;
    if (template) return fillTemplate(template, token);
  }
  return `${deps.config.publicUrl}/${kind === "reset_password" ? "reset-password" : "verify-email"}/${token}`;
}

/**
 * Where an invitation's link lands: the redirect URL named when inviting, else the accept page of
 * the host whose embed token invited, else Roster's own page.
 */
export async function invitationUrl(
  deps: Deps,
  db: Kysely<Database>,
  inv: Pick<Invitation, "host_key_id" | "redirect_url">,
  token: string,
): Promise<string> {
  return (await invitationUrls(deps, db, [{ inv, token }]))[0] as string;
}

/** `invitationUrl` for several invitations, reading each host's pages once. */
export async function invitationUrls(
  deps: Deps,
  db: Kysely<Database>,
  links: readonly { inv: Pick<Invitation, "host_key_id" | "redirect_url">; token: string }[],
): Promise<string[]> {
  const hosts = new Map<string, HostLinks>();
  const urls: string[] = [];
  for (const { inv, token } of links) {
    if (inv.redirect_url) {
      urls.push(withToken(inv.redirect_url, token));
      continue;
    }
    if (inv.host_key_id) {
      let host = hosts.get(inv.host_key_id);
      if (!host) {
        host = await getHostLinks(db, inv.host_key_id);
        hosts.set(inv.host_key_id, host);
      }
      if (host.acceptInvitationUrl) {
        urls.push(fillTemplate(host.acceptInvitationUrl, token));
        continue;
      }
    }
    urls.push(`${deps.config.publicUrl}/invite/${token}`);
  }
  return urls;
}

/**
 * A redirect URL named when inviting must be in the list of the host whose embed token calls, or,
 * for anyone else, of an active host.
 */
export async function checkInvitationRedirect(
  db: Kysely<Database>,
  hostKeyId: string | null | undefined,
  redirectUrl: string,
): Promise<void> {
  let query = db.selectFrom("host_api_keys").select("redirect_urls").where("revoked_at", "is", null);
  if (hostKeyId) query = query.where("id", "=", hostKeyId);
  const hosts = await query.execute();
  requireAllowedRedirect(
    hosts.flatMap((h) => h.redirect_urls),
    redirectUrl,
  );
}
