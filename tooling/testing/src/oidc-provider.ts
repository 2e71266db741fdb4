import { createHash, generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

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
 * browser or a test following redirects goes through the whole authorization code flow. With
 * `interactive`, a person in a browser meets a sign-in page and a consent page first.
 *
 * It also stands in for GitHub's REST API as GitHub documents it: `GET /user` (`id`, `login`,
 * `name`, `email`) and `GET /user/emails` (`email`, `primary`, `verified`, `visibility`) for the
 * bearer of an access token it issued.
 */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person the next sign-in is for. */
  signInAs(user: IdpUser): void;
  close(): Promise<void>;
}

export async function startOidcProvider(options: {
  redirectUris: string[];
  interactive?: boolean;
}): Promise<TestOidcProvider> {
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
    // GitHub's scopes, for the stand-in of GitHub's OAuth app.
    scopes: ["openid", "offline_access", "read:user", "user:email"],
    // Google and Microsoft put the address in the ID token itself.
    conformIdTokenClaims: false,
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
    // A first-party client: consent is given for it without asking (unless the test shows the page).
    ...(options.interactive
      ? {}
      : {
          loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
            const accountId = ctx.oidc.session?.accountId;
            const client = ctx.oidc.client;
            if (!accountId || !client) return undefined;
            const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
            grant.addOIDCScope("openid email profile read:user user:email");
            await grant.save();
            return grant;
          },
        }),
  });
  const handle = provider.callback();

  const page = (res: ServerResponse, title: string, body: string) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(
      `<!doctype html><html lang="en"><head><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`,
    );
  };
  const escapeHtml = (value: string) => value.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

  /** GitHub's `/user` and `/user/emails` for the bearer of an access token issued here. */
  const githubApi = async (req: IncomingMessage, res: ServerResponse) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const found = token ? await provider.AccessToken.find(token) : undefined;
    const user = found ? users.get(found.accountId) : undefined;
    res.setHeader("content-type", "application/json");
    if (!user) {
      res.statusCode = 401;
      res.end(JSON.stringify({ message: "Bad credentials" }));
      return;
    }
    const id = createHash("sha256").update(user.subject).digest().readUIntBE(0, 6);
    const verified = user.emailVerified ?? true;
    res.end(
      JSON.stringify(
        req.url === "/user"
          ? { id, login: user.subject, name: user.name, email: null }
          : [{ email: user.email, primary: true, verified, visibility: "private" }],
      ),
    );
  };

  const interaction = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    if (!current) throw new Error("The test identity provider was asked to sign in nobody.");
    const person = current;
    const logIn = async () => {
      users.set(person.subject, person);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: person.subject } },
        { mergeWithLastSubmission: false },
      );
    };
    if (!options.interactive) return logIn();
    const action = `/interaction/${details.uid}`;
    if (req.method === "GET" && details.prompt.name === "login") {
      page(
        res,
        "Sign in to the test provider",
        `<form method="post" action="${action}"><p><label>Email <input name="email" readonly value="${escapeHtml(person.email)}"></label></p><button type="submit">Sign in</button></form>`,
      );
      return;
    }
    if (req.method === "GET") {
      page(
        res,
        "Allow Roster to use your account?",
        `<p>Roster will see your name and email address.</p><form method="post" action="${action}"><button type="submit">Allow</button></form>`,
      );
      return;
    }
    if (details.prompt.name === "login") return logIn();
    const accountId = details.session?.accountId ?? person.subject;
    const grant = new provider.Grant({ clientId: String(details.params.client_id), accountId });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };

  server.on("request", (req, res) => {
    const route =
      req.url === "/user" || req.url === "/user/emails"
        ? githubApi
        : req.url?.startsWith("/interaction/")
          ? interaction
          : null;
    if (!route) {
      handle(req, res);
      return;
    }
    route(req, res).catch((error: Error) => {
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
