import type { ReactNode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { inject } from "vitest";
import "../../src/styles.css";
import { RosterProvider, type RosterProviderProps } from "../../src/index.js";

const mounted: { root: Root; container: HTMLElement }[] = [];

/** Mounts `ui` in the test page; `cleanup()` unmounts everything mounted so far. */
export function render(ui: ReactNode): HTMLElement {
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  root.render(ui);
  mounted.push({ root, container });
  return container;
}

export function cleanup(): void {
  for (const { root, container } of mounted.splice(0)) {
    root.unmount();
    container.remove();
  }
}

/** A widget inside a provider talking to the real Roster server with `token`. */
export function withRoster(
  token: string,
  ui: ReactNode,
  props: Partial<RosterProviderProps> = {},
): HTMLElement {
  return render(
    <RosterProvider url={inject("roster").url} token={token} {...props}>
      {ui}
    </RosterProvider>,
  );
}
