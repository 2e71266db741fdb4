import { z } from "zod";

/** Shapes shared by several routers. Messages are sentences a person can act on. */
export const email = z
  .string()
  .trim()
  .max(254, "Email addresses are at most 254 characters.")
  .pipe(z.email("Enter a valid email address, like name@example.com."));

export const password = z
  .string()
  .min(8, "Use at least 8 characters for your password.")
  .max(256, "Passwords are at most 256 characters.");

export const personName = z
  .string()
  .trim()
  .min(1, "Enter your name.")
  .max(100, "Names are at most 100 characters.");

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

export const orgName = z
  .string()
  .trim()
  .min(1, "Enter a name for the organization.")
  .max(100, "Organization names are at most 100 characters.");

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

export const cursor = z.string().max(200).optional();
export const pageLimit = z
  .number()
  .int()
  .min(1, "The page size is at least 1.")
  .max(100, "The page size is at most 100.");
