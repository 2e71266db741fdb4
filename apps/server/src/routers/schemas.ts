import { isEmailAddress } from "@roster/reasons";
import { z } from "zod";
import { LONE_SURROGATE } from "../input-guard.js";

/** Shapes shared by several routers. Messages are sentences a person can act on. */

/**
 * Control characters and bidirectional overrides/isolates: in a name they hide text or make it
 * read as something else ("admin\u202Egnp.exe"), in every list and email that shows it.
 */
const DECEPTIVE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** A name people see (person, organization, workspace, group, role, service account, resource, key). */
export const displayName = (max: number, messages: { empty: string; tooLong: string }) =>
  z
    .string()
    .trim()
    .min(1, messages.empty)
    .max(max, messages.tooLong)
    .refine(
      (value) => !DECEPTIVE.test(value) && !LONE_SURROGATE.test(value),
      "Names cannot contain control characters, text-direction overrides or broken Unicode.",
    );
export const email = z
  .string()
  .trim()
  .max(254, "Email addresses are at most 254 characters.")
  // The same check the widgets make before sending (one validator, in @roster/reasons).
  .refine((value) => isEmailAddress(value), "Enter a valid email address, like name@example.com.");

export const password = z
  .string()
  .min(8, "Use at least 8 characters for your password.")
  .max(256, "Passwords are at most 256 characters.");

export const personName = displayName(100, {
  empty: "Enter your name.",
  tooLong: "Names are at most 100 characters.",
});

/** A token from an emailed link: base64url, generous bounds so a forged one is just "not valid". */
export const emailToken = z
  .string()
  .trim()
  .min(16, "This link is incomplete. Open it again from the email.")
  .max(200, "This link is not valid.");

export const uuid = (what: string) => z.uuid(`This is not a valid ${what} id.`);

/** A small JSON object kept on organizations, memberships and invitations for the host's own use. */
export const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 4096, "Metadata is limited to 4 KB of JSON.");

export const orgName = displayName(100, {
  empty: "Enter a name for the organization.",
  tooLong: "Organization names are at most 100 characters.",
});

export const slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "The URL name needs at least 2 characters.")
  .max(48, "The URL name is at most 48 characters.")
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens, like acme-labs.");

export const roleKey = z
  .string()
  .trim()
  .min(2, "Role keys have at least 2 characters.")
  .max(40, "Role keys are at most 40 characters.")
  .regex(/^[a-z][a-z0-9_-]*$/, "Role keys use lowercase letters, digits, - and _, starting with a letter.");

/** A client's key for one intended change: sending it again returns the first result instead of repeating the change. */
export const idempotencyKey = z
  .string()
  .min(1, "Give each request an idempotency key.")
  .max(200, "Idempotency keys are at most 200 characters.");

export const cursor = z.string().max(200).optional();

/** A point in time, with its offset: `2026-06-01T12:00:00Z`. */
export const instant = z.iso.datetime({
  offset: true,
  error: "Use an ISO 8601 date and time, like 2026-06-01T12:00:00Z.",
});
export const pageLimit = z
  .number()
  .int()
  .min(1, "The page size is at least 1.")
  .max(100, "The page size is at most 100.");
