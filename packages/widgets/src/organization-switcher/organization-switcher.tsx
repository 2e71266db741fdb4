import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { errorMessage } from "../errors.js";
import { useOrganizations, useSetActiveOrganization } from "../hooks/organizations.js";
import { roleLabel } from "../labels.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, Organization } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type SwitchAction = { type: "switch"; orgId: string };

export interface OrganizationSwitcherProps extends ActionCallbacks<SwitchAction> {
  className?: string;
  /** Called after the switch, so the host can show that organization. */
  onSwitch?: (organization: { orgId: string; organization: Organization }) => void;
  /** The organization the host is showing; by default the person's active one. */
  currentOrgId?: string;
  /** With a handler, the list ends with "Create organization" (the host shows its form). */
  onCreate?: () => void;
  /** With a handler, the list ends with "Manage organization" for the current one. */
  onManage?: (orgId: string) => void;
}

/** Shows the active organization; opens a list of the person's organizations to switch to another. */
export function OrganizationSwitcher(props: OrganizationSwitcherProps) {
  const { className, onSwitch, onBefore, onAfter, onCreate, onManage } = props;
  const labels = useLabels();
  const listId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const orgs = useOrganizations();
  const setActive = useSetActiveOrganization();
  const action = useAction<SwitchAction>({ onBefore, onAfter });
  const list = orgs.data ?? [];
  const active = list.find((o) => o.id === props.currentOrgId) ?? list.find((o) => o.active) ?? list[0];
  const rootRef = useRef<HTMLDivElement>(null);

  // A popover: a click anywhere outside it closes it.
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  const close = () => {
    setOpen(false);
    toggleRef.current?.focus();
  };

  const choose = async (organization: Organization) => {
    const result = await action.run(
      { type: "switch", orgId: organization.id },
      `switch:${organization.id}`,
      () => setActive.mutateAsync({ orgId: organization.id }),
      () => labels.switched(organization.name),
    );
    if (result.ok) {
      close();
      onSwitch?.({ orgId: organization.id, organization });
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && open) {
      event.stopPropagation();
      close();
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere inside closes the open list.
    <div
      ref={rootRef}
      className={classNames("roster-widget roster-switcher", className)}
      data-open={open || undefined}
      data-busy={action.busy !== null || orgs.isFetching || undefined}
      onKeyDown={onKeyDown}
    >
      <button
        ref={toggleRef}
        type="button"
        className="roster-button roster-switcher-toggle"
        aria-expanded={open}
        aria-controls={listId}
        disabled={!active}
        aria-busy={orgs.isPending}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="roster-visually-hidden">{labels.organization}: </span>
        {orgs.isPending ? labels.loading : (active?.name ?? labels.noOrganizations)}
      </button>
      {open ? (
        <ul id={listId} className="roster-switcher-list" aria-label={labels.switchOrganization}>
          {list.map((org) => {
            const busy = action.busy === `switch:${org.id}`;
            return (
              <li key={org.id}>
                <button
                  type="button"
                  className="roster-switcher-option"
                  aria-current={org.id === active?.id ? "true" : undefined}
                  disabled={action.busy !== null}
                  aria-busy={busy}
                  data-busy={busy || undefined}
                  onClick={() => (org.id === active?.id ? close() : void choose(org))}
                >
                  <span className="roster-name">{org.name}</span>
                  <span className="roster-muted">{roleLabel(labels, org.role)}</span>
                </button>
              </li>
            );
          })}
          {onManage && active ? (
            <li className="roster-switcher-extra">
              <button
                type="button"
                className="roster-switcher-option"
                onClick={() => {
                  setOpen(false);
                  onManage(active.id);
                }}
              >
                {labels.manageOrganization}
              </button>
            </li>
          ) : null}
          {onCreate ? (
            <li className={onManage ? undefined : "roster-switcher-extra"}>
              <button
                type="button"
                className="roster-switcher-option"
                onClick={() => {
                  setOpen(false);
                  onCreate();
                }}
              >
                {labels.create}
              </button>
            </li>
          ) : null}
        </ul>
      ) : null}
      {orgs.error ? (
        <p className="roster-error" data-status="error">
          {errorMessage(orgs.error, labels)}
        </p>
      ) : null}
      <StatusRegion outcome={action.outcome} busy={action.busy !== null} />
    </div>
  );
}
