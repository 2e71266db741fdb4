import type { Labels } from "../labels.js";

/** The label sets the widgets ship. English is built in; the others load when first selected. */
export type RosterLocale = "en" | "de" | "fr" | "es" | "ja";

const loaders: Record<Exclude<RosterLocale, "en">, () => Promise<Labels>> = {
  de: () => import("./de.js").then((m) => m.de),
  fr: () => import("./fr.js").then((m) => m.fr),
  es: () => import("./es.js").then((m) => m.es),
  ja: () => import("./ja.js").then((m) => m.ja),
};

const loaded = new Map<RosterLocale, Labels>();

/** The label set of `locale` if it has loaded already (English always has). */
export function loadedLocale(locale: RosterLocale, english: Labels): Labels | undefined {
  return locale === "en" ? english : loaded.get(locale);
}

/** Loads a label set once per page; each is its own chunk, so a host pays only for what it shows. */
export async function loadLocale(locale: Exclude<RosterLocale, "en">): Promise<Labels> {
  const labels = await loaders[locale]();
  loaded.set(locale, labels);
  return labels;
}
