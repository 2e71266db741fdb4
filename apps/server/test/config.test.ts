import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const base = { SECRET_KEY: "k".repeat(40), ROSTER_DATA_DIR: "/tmp/roster-config-test/data" };

describe("configuration", () => {
  it("has defaults that start Roster with nothing set", () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ port: 3000, publicUrl: "http://localhost:3000", databaseUrl: undefined });
  });

  it.each([
    ["PORT", "seventy"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["PUBLIC_URL", "not a url"],
    ["SMTP_URL", "http://mail"],
    ["ALLOWED_ORIGINS", "https://ok.example, nope"],
    ["SECRET_KEY", "short"],
    ["SINGLE_ORGANIZATION", "maybe"],
  ])("stops start-up with a sentence naming %s when it is invalid", (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrowError(new RegExp(`${name} is invalid`));
  });

  it("requires SECRET_KEY in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrowError(/SECRET_KEY is required/);
  });

  it("normalises allowed origins", () => {
    const config = loadConfig({
      ...base,
      ALLOWED_ORIGINS: "https://app.example.com/, http://localhost:5173",
    });
    expect(config.allowedOrigins).toEqual(["https://app.example.com", "http://localhost:5173"]);
  });
});
