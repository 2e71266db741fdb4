import { lazy } from "../lazy.js";

const argon2 = lazy(() => import("@node-rs/argon2"));

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). `2` is Algorithm.Argon2id:
// the enum is declared `const` and cannot be imported under isolatedModules.
const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return (await argon2()).hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    const { verify } = await argon2();
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when no account matches, so a failed sign-in takes as long either way and
// does not reveal whether the email has an account.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("roster-timing-equaliser");
  await verifyPassword(await dummyHash, password);
  return false;
}
