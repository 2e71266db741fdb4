import type { Outcome } from "./use-action.js";

/**
 * The live region where every widget reports how an action went. It is always rendered, so that
 * screen readers announce the text when it appears.
 */
export function StatusRegion({ outcome, busy }: { outcome: Outcome | null; busy?: boolean }) {
  return (
    <p
      role="status"
      className="roster-status"
      data-status={busy ? "busy" : (outcome?.tone ?? "idle")}
      aria-busy={busy || undefined}
    >
      {busy ? null : outcome?.text}
    </p>
  );
}
