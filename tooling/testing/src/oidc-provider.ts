import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import Provider from "oidc-provider";

/** A person the test identity provider knows. */
export interface IdpUser {
  subject: string;
  email: string;
  name: string;
  emailVerified?: boolean;
}

/**
 * A real OpenID Connect provider (`oidc-provider`) on loopback: one confidential client, an RS256
 * key made at start, and an interaction that signs in whoever `signInAs` names (no login form), so a
 * browser or a test following redirects goes through the whole authorization code flow.
 */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person the next sign-in is for. */
  signInAs(user: IdpUser): void;
  close(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUris: string[] }): Promise<TestOidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "roster-test-client";
  const clientSecret = "roster-test-client-secret-that-is-long";
  const users = new Map<string, IdpUser>();
  let current: IdpUser | null = null;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" }] },
    cookies: { keys: ["test-cookie-signing-key"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: user.email,
          email_verified: user.emailVerified ?? true,
          name: user.name,
        }),
      };
    },
    // A first-party client: consent is given for it without asking.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (!accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();

  server.on("request", (req, res) => {
    if (!req.url?.startsWith("/interaction/")) {
      handle(req, res);
      return;
    }
    void (async () => {
      await provider.interactionDetails(req, res);
      if (!current) throw new Error("The test identity provider was asked to sign in nobody.");
      users.set(current.subject, current);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: current.subject } },
        { mergeWithLastSubmission: false },
      );
    })().catch((error: Error) => {
      res.statusCode = 500;
      res.end(error.message);
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(user) {
      current = user;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
