/** What the global setup seeded on the real Roster server, handed to the tests with `inject("roster")`. */
export interface RosterFixture {
  url: string;
  orgs: { acme: string; big: string };
  /** Embed tokens (bearer) of seeded people. */
  tokens: {
    owner: string;
    viewer: string;
    /** Invited to Acme, not yet a member. */
    ivy: string;
    /** Signed up with a password and never confirmed the address. */
    unverified: string;
  };
  users: Record<
    "owner" | "bob" | "carol" | "dan" | "erin" | "frank" | "viewer",
    { id: string; name: string }
  >;
  bigMemberCount: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    roster: RosterFixture;
  }
}
