import { baseTestConfig } from "@roster/testing";
import { defineConfig } from "vitest/config";

export default defineConfig({ test: baseTestConfig });
