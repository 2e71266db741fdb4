import type { Database, SocialProvider } from "@roster/db";
import type { Transaction } from "kysely";

/**
 * The ways an account can sign in (a password, a passkey, a linked social identity, an SSO
 * identity), so that removing one is refused while it is the last: unlinking an identity and
 * removing a passkey both ask here, inside a transaction that holds the account's lock.
 */

/** The one way to sign in that is about to go. */
export type SignInMethod =
  | { identity: { provider: SocialProvider; subject: string } }
  | { passkeyId: string };

/** How many ways to sign in the account keeps besides `except`. */
export async function otherSignInMethods(
  trx: Transaction<Database>,
  userId: string,
  except: SignInMethod,
): Promise<number> {
  const row = await trx
    .selectFrom("users as u")
    .select((eb) => {
      let passkeys = eb
        .selectFrom("passkeys")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("user_id", "=", "u.id");
      if ("passkeyId" in except) passkeys = passkeys.where("id", "!=", except.passkeyId);
      let identities = eb
        .selectFrom("social_identities")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("user_id", "=", "u.id");
      if ("identity" in except) {
        const { provider, subject } = except.identity;
        identities = identities.where((w) =>
          w.or([w("provider", "!=", provider), w("subject", "!=", subject)]),
        );
      }
      return [
        eb.case().when("u.password_hash", "is not", null).then(1).else(0).end().as("password"),
        passkeys.as("passkeys"),
        identities.as("identities"),
        eb
          .selectFrom("sso_identities")
          .select(eb.fn.countAll<string>().as("n"))
          .whereRef("user_id", "=", "u.id")
          .as("sso"),
      ];
    })
    .where("u.id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.password) + Number(row.passkeys) + Number(row.identities) + Number(row.sso);
}
