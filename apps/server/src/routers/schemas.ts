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
