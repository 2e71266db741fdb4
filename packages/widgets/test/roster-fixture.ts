/** What the global setup seeded on the real Roster server, handed to the tests with `inject("roster")`. */
export interface RosterFixture {
  url: string;
  /** `joiners` verified joiners.example (by its owner Jo's address) and lets people there ask to join. */
  orgs: { acme: string; big: string; joiners: string };
  /** Embed tokens (bearer) of seeded people. */
  tokens: {
    owner: string;
    viewer: string;
    /** Invited to Acme, not yet a member. */
    ivy: string;
    /** Signed up with a password and never confirmed the address. */
    unverified: string;
    /** Owner of Joiners. */
    jo: string;
    /** Pat and Quinn have confirmed addresses at joiners.example and belong to no organization. */
    pat: string;
    quinn: string;
    /**
     * Sessions (not embed tokens) of accounts with a linked Google identity: `linked` also has a
     * password; `googleOnly` has no other way to sign in.
     */
    linked: string;
    googleOnly: string;
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
