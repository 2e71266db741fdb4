/** Debian's Chromium unless `CHROMIUM_PATH` names another; playwright never downloads a browser. */
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launch options for playwright's `chromium.launch` and vitest's playwright provider. */
export const chromiumLaunchOptions = { executablePath: chromiumPath, args: chromiumArgs };
