import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { createTestDatabase } from "@roster/db/testing";
import { createRosterClient, type RosterClient } from "@roster/sdk";
import { loadConfig, startServer } from "@roster/server";
import { sql } from "kysely";
import type { TestProject } from "vitest/node";
import type { RosterFixture } from "./roster-fixture.js";

const SECRET_KEY = "widgets-test-secret-key-that-is-long-enough";

/** A host API key, made the way an operator makes one: with the `roster host-keys` command. */
async function createHostKey(databaseUrl: string): Promise<string> {
  const cli = join(dirname(createRequire(import.meta.url).resolve("@roster/server")), "cli.js");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, "host-keys", "create", "Widget tests"],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl, SECRET_KEY, LOG_LEVEL: "silent" },
    },
  );
  const key = stdout.match(/rhk_\S+/)?.[0];
  if (!key) throw new Error(`no host key in: ${stdout}`);
  return key;
}

/**
 * Starts Roster on a fresh Postgres database, seeds people through the SDK (embed tokens, as a
 * host product would) and provides the URL and tokens to the tests.
 */
export default async function setup(project: TestProject) {
  const database = await createTestDatabase();
  // vitest.config.ts picked the port of the browser-mode page; only that origin may call Roster.
  const port = process.env.ROSTER_WIDGETS_BROWSER_PORT;
  const origins = port ? [`http://localhost:${port}`, `http://127.0.0.1:${port}`] : [];
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    PUBLIC_URL: "http://roster.test",
    SECRET_KEY,
    LOG_LEVEL: "silent",
    ALLOWED_ORIGINS: origins.join(","),
    // The fixture signs many people up from one loopback address.
    SIGN_UPS_PER_IP_PER_HOUR: "100000",
    // Offered to link in AccountSecurity (linking only sends the browser to the provider's page).
    GOOGLE_CLIENT_ID: "widgets-google-client",
    GOOGLE_CLIENT_SECRET: "widgets-google-secret",
    GITHUB_CLIENT_ID: "widgets-github-client",
    GITHUB_CLIENT_SECRET: "widgets-github-secret",
  });
  const server = await startServer({ config, database, runWorker: false });
  try {
    const host = createRosterClient({ url: server.url, token: await createHostKey(database.url) });
    const person = async (id: string, name: string) => {
      const { token, userId } = await host.embed.createToken.mutate({
        externalUserId: id,
        email: `${id}@widgets.example`,
        name,
      });
      return { token, id: userId, name, email: `${id}@widgets.example`, client: client(token) };
    };
    const client = (token: string): RosterClient => createRosterClient({ url: server.url, token });
    type Person = Awaited<ReturnType<typeof person>>;
    /**
     * Runs `fn` over `items` a few at a time: sixty requests at once would queue for the server's
     * ten connections, and on a busy machine some would wait past the pool's connect timeout.
     */
    const few = async <T, R>(items: T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
      const out: R[] = [];
      for (let i = 0; i < items.length; i += 5) {
        out.push(...(await Promise.all(items.slice(i, i + 5).map((item, j) => fn(item, i + j)))));
      }
      return out;
    };
    const join = async (admin: Person, orgId: string, people: Person[], role = "member") => {
      const { results } = await admin.client.invitations.create.mutate({
        orgId,
        emails: people.map((p) => p.email),
        role,
      });
      await few(people, (p, i) =>
        p.client.invitations.accept.mutate({ invitationId: results[i]!.invitationId! }),
      );
    };

    const owner = await person("owner", "Olivia Owner");
    const acme = await owner.client.orgs.create.mutate({ name: "Acme" });
    const [bob, carol, dan, erin, frank, viewer, ivy] = await Promise.all([
      person("bob", "Bob Builder"),
      person("carol", "Carol Chen"),
      person("dan", "Dan Dorsey"),
      person("erin", "Erin Ekström"),
      person("frank", "Frank Fischer"),
      person("victor", "Victor Viewer"),
      person("ivy", "Ivy Invitee"),
    ]);
    await join(owner, acme.id, [bob!, carol!, dan!, erin!, frank!]);
    await join(owner, acme.id, [viewer!], "viewer");
    await owner.client.invitations.create.mutate({
      orgId: acme.id,
      emails: [ivy!.email, "pending.person@widgets.example"],
      role: "member",
    });
    // Frank owns a cluster: removing him needs someone to take it over.
    const now = new Date();
    await sql`insert into resources (org_id, owner_id, type, name, state, created_at, updated_at)
      values (${acme.id}, ${frank!.id}, 'cluster', 'frank-gpu', 'running', ${now}, ${now})`.execute(
      database.db,
    );

    const bigMemberCount = 60;
    const big = await owner.client.orgs.create.mutate({ name: "Big Co" });
    const crowd = await few(
      Array.from({ length: bigMemberCount }, (_, i) => String(i).padStart(2, "0")),
      (n) => person(`crowd-${n}`, `Crowd Member ${n}`),
    );
    await join(owner, big.id, crowd);

    const unverified = await client("").auth.signUp.mutate({
      email: "unverified@widgets.example",
      password: "correct horse battery staple",
      name: "Una Unverified",
    });

    // Joiners verified its domain by its owner's address and lets people there ask to join.
    const jo = await host.embed.createToken.mutate({
      externalUserId: "jo",
      email: "jo@joiners.example",
      name: "Jo Joiners",
    });
    const joClient = client(jo.token);
    const joTeam = await joClient.orgs.create.mutate({ name: "Joiners" });
    const [pat, quinn] = await Promise.all([
      host.embed.createToken.mutate({
        externalUserId: "pat",
        email: "pat@joiners.example",
        name: "Pat Joiner",
      }),
      host.embed.createToken.mutate({
        externalUserId: "quinn",
        email: "quinn@joiners.example",
        name: "Quinn Asker",
      }),
    ]);
    const domain = await joClient.domains.add.mutate({ orgId: joTeam.id, domain: "joiners.example" });
    await joClient.domains.verify.mutate({ orgId: joTeam.id, domainId: domain.id, method: "email" });
    await joClient.domains.setEnrollment.mutate({
      orgId: joTeam.id,
      domainId: domain.id,
      enrollment: "suggestion",
    });

    // Linked identities, written as a finished link would leave them: Lee has a password and Google;
    // Sol's account has Google alone (as one made by signing in with Google has).
    const withGoogle = async (email: string, name: string, keepPassword: boolean) => {
      const signedUp = await client("").auth.signUp.mutate({
        email,
        password: "correct horse battery staple",
        name,
      });
      await database.db
        .insertInto("social_identities")
        .values({
          provider: "google",
          subject: `google-${signedUp.user.id}`,
          user_id: signedUp.user.id,
          email: email.replace("@widgets.example", "@gmail.example"),
          created_at: new Date("2026-05-04T10:00:00Z"),
        })
        .execute();
      if (!keepPassword) {
        await database.db
          .updateTable("users")
          .set({ password_hash: null })
          .where("id", "=", signedUp.user.id)
          .execute();
      }
      return signedUp.token;
    };
    const [linked, googleOnly] = await Promise.all([
      withGoogle("lee@widgets.example", "Lee Linked", true),
      withGoogle("sol@widgets.example", "Sol Social", false),
    ]);

    const user = (p: Person) => ({ id: p.id, name: p.name });
    const fixture: RosterFixture = {
      url: server.url,
      orgs: { acme: acme.id, big: big.id, joiners: joTeam.id },
      tokens: {
        owner: owner.token,
        viewer: viewer!.token,
        ivy: ivy!.token,
        unverified: unverified.token,
        jo: jo.token,
        pat: pat.token,
        quinn: quinn.token,
        linked,
        googleOnly,
      },
      users: {
        owner: user(owner),
        bob: user(bob!),
        carol: user(carol!),
        dan: user(dan!),
        erin: user(erin!),
        frank: user(frank!),
        viewer: user(viewer!),
      },
      bigMemberCount,
    };
    project.provide("roster", fixture);
  } catch (error) {
    await server.close();
    await database.drop();
    throw error;
  }
  return async () => {
    await server.close();
    await database.drop();
  };
}
