/**
 * A session's user agent in a person's words: "Chrome 131 on macOS", "Safari on iPhone". Knows
 * the browsers and systems people sign in with; anything else keeps the agent's first product
 * name ("curl 8.5"), and no agent at all is "Unknown device".
 */
export function describeDevice(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? "").trim();
  if (!ua) return "Unknown device";
  const browser = browserOf(ua);
  const system = systemOf(ua);
  if (browser && system) return `${browser} on ${system}`;
  if (browser ?? system) return (browser ?? system) as string;
  const product = /^([A-Za-z][\w.-]*)(?:\/(\d+(?:\.\d+)?))?/.exec(ua);
  return product ? [product[1], product[2]].filter(Boolean).join(" ") : "Unknown device";
}

const major = (ua: string, pattern: RegExp): string | null => pattern.exec(ua)?.[1] ?? null;

function browserOf(ua: string): string | null {
  // Order matters: Edge, Opera and Samsung Internet also call themselves Chrome and Safari;
  // Chrome calls itself Safari; the iOS browsers all run Safari's engine under their own names.
  const named: [string, RegExp][] = [
    ["Edge", /\bEdg(?:e|A|iOS)?\/(\d+)/],
    ["Opera", /\b(?:OPR|OPiOS)\/(\d+)/],
    ["Samsung Internet", /\bSamsungBrowser\/(\d+)/],
    ["Firefox", /\b(?:Firefox|FxiOS)\/(\d+)/],
    ["Chrome", /\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\/(\d+)/],
  ];
  for (const [name, pattern] of named) {
    const version = major(ua, pattern);
    if (version)
      return `${name}${/HeadlessChrome/.test(ua) && name === "Chrome" ? " (headless)" : ""} ${version}`;
  }
  if (/\bSafari\//.test(ua) && /\bVersion\/(\d+)/.test(ua)) return `Safari ${major(ua, /\bVersion\/(\d+)/)}`;
  if (/\bSafari\//.test(ua) || /\bAppleWebKit\//.test(ua)) return "Safari";
  if (/\bnode\b|\bundici\b/i.test(ua)) return "Node.js";
  return null;
}

function systemOf(ua: string): string | null {
  if (/\biPhone\b/.test(ua)) return "iPhone";
  if (/\biPad\b/.test(ua)) return "iPad";
  if (/\bAndroid\b/.test(ua)) return "Android";
  if (/\bCrOS\b/.test(ua)) return "ChromeOS";
  if (/\bWindows\b/.test(ua)) return "Windows";
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return "macOS";
  if (/\bLinux\b|\bX11\b/.test(ua)) return "Linux";
  return null;
}
