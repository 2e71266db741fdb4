import type { Labels } from "../labels.js";

const browsers: [string, RegExp][] = [
  // Edge and Opera also call themselves Chrome; Chrome calls itself Safari.
  ["Edge", /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ["Opera", /\b(?:OPR|OPiOS)\/(\d+)/],
  ["Firefox", /\b(?:Firefox|FxiOS)\/(\d+)/],
  ["Chrome", /\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\/(\d+)/],
  ["Safari", /\bVersion\/(\d+).*\bSafari\//],
];

const systems: [string, RegExp][] = [
  ["iPhone", /\biPhone\b/],
  ["iPad", /\biPad\b/],
  ["Android", /\bAndroid\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["Windows", /\bWindows\b/],
  ["macOS", /\bMacintosh\b|\bMac OS X\b/],
  ["Linux", /\bLinux\b|\bX11\b/],
];

/** A session's browser and system in a person's words: "Firefox 133 on Windows". */
export function sessionDevice(userAgent: string | null, labels: Labels): string {
  const ua = userAgent ?? "";
  let browser = labels.unknownBrowser;
  for (const [name, pattern] of browsers) {
    const version = pattern.exec(ua)?.[1];
    if (version) {
      browser = `${name} ${version}`;
      break;
    }
  }
  const system = systems.find(([, pattern]) => pattern.test(ua))?.[0] ?? labels.unknownSystem;
  return labels.sessionDevice(browser, system);
}
