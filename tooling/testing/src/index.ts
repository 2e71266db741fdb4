export { chromiumArgs, chromiumLaunchOptions, chromiumPath } from "./chromium.js";
export { freePort, portInUse } from "./ports.js";
export { alive, captureOutput, descendants, waitForExit } from "./processes.js";
export { queryCounter } from "./query-counter.js";
export { type ServerProcess, startServerProcess } from "./server-process.js";
export { baseTestConfig, pgliteColdStartTimeout } from "./vitest.js";
