import { useId, useRef, useState } from "react";
import { errorDetails, errorField, errorMessage, errorReason } from "../errors.js";
import { useMembers } from "../hooks/members.js";
import {
  useDeleteOrganization,
  useLeaveOrganization,
  useOrganization,
  usePermissions,
  useTransferOwnership,
  useUpdateOrganization,
  useViewer,
} from "../hooks/organizations.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, OrganizationDetails } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { ConfirmButtons, Dialog, DialogError } from "../ui/dialog.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type OrganizationAction =
  | { type: "update"; orgId: string; changed: string[] }
  | { type: "transferOwnership"; orgId: string; userId: string }
  | { type: "leave"; orgId: string; transferTo?: string }
  | { type: "delete"; orgId: string };

/** A metadata key the host lets people edit, with its label. */
export interface MetadataField {
  key: string;
  label: string;
  hint?: string;
}

export interface OrganizationProfileProps extends ActionCallbacks<OrganizationAction> {
  orgId: string;
  className?: string;
  /** Metadata keys shown as text fields (the logo is `logoUrl`); others are kept as they are. */
  metadataFields?: MetadataField[];
  /** Whether to offer the logo URL field (default true). */
  logo?: boolean;
  /** After the person left or deleted the organization: the host navigates elsewhere. */
  onLeft?: (orgId: string) => void;
  onDeleted?: (orgId: string) => void;
}

type Draft = { name: string; slug: string; metadata: Record<string, string> };
type OpenDialog =
  | { kind: "transfer"; userId: string; name: string }
  | { kind: "leave"; heirs?: boolean }
  | { kind: "delete" };

const LOGO_KEY = "logoUrl";

function draftOf(org: OrganizationDetails, keys: string[]): Draft {
  const metadata = Object.fromEntries(
    keys.map((key) => [key, typeof org.metadata[key] === "string" ? (org.metadata[key] as string) : ""]),
  );
  return { name: org.name, slug: org.slug, metadata };
}

/**
 * An organization's settings: its name, URL name, logo and the metadata the host allows; making
 * another member an owner; leaving; deleting it after typing its name.
 */
export function OrganizationProfile(props: OrganizationProfileProps) {
  const { orgId, className, metadataFields = [], logo = true, onBefore, onAfter } = props;
  const labels = useLabels();
  const ids = { heading: useId(), name: useId(), slug: useId(), slugHint: useId(), fieldError: useId() };
  const headingRef = useRef<HTMLHeadingElement>(null);
  const organization = useOrganization(orgId);
  const permissions = usePermissions(orgId);
  const viewer = useViewer();
  const members = useMembers(orgId, { status: "active", pageSize: 100 });
  const update = useUpdateOrganization();
  const transfer = useTransferOwnership();
  const leave = useLeaveOrganization();
  const remove = useDeleteOrganization();
  const action = useAction<OrganizationAction>({ onBefore, onAfter });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [newOwner, setNewOwner] = useState("");
  const [dialog, setDialog] = useState<OpenDialog | null>(null);

  const fields: MetadataField[] = [
    ...(logo ? [{ key: LOGO_KEY, label: labels.logoUrlLabel }] : []),
    ...metadataFields.filter((f) => f.key !== LOGO_KEY),
  ];
  const org = organization.data;
  const current = org
    ? (draft ??
      draftOf(
        org,
        fields.map((f) => f.key),
      ))
    : null;
  const canUpdate = permissions.can("org:update");
  const canTransfer = permissions.can("org:transfer");
  const canDelete = permissions.can("org:delete");
  const viewerId = viewer.data?.user.id;
  const candidates = members.items.filter(
    (m) => m.kind === "member" && !m.serviceAccount && m.id !== viewerId && m.role !== "owner",
  );
  const heirs = members.items.filter((m) => m.kind === "member" && m.id !== viewerId);
  const busy = action.busy !== null;
  const open = (next: OpenDialog | null) => {
    action.setOutcome(null);
    setDialog(next);
  };

  if (!org || !current) {
    return (
      <section
        className={classNames("roster-widget roster-organization-profile", className)}
        aria-labelledby={ids.heading}
      >
        <h2 id={ids.heading} className="roster-heading">
          {labels.profileTitle}
        </h2>
        {organization.error ? (
          <div className="roster-error" data-status="error">
            <p>{errorMessage(organization.error, labels)}</p>
            <button type="button" className="roster-button" onClick={() => organization.refetch()}>
              {labels.retry}
            </button>
          </div>
        ) : (
          <p className="roster-note" data-status="loading">
            {labels.loadingOrganization}
          </p>
        )}
      </section>
    );
  }

  const save = async () => {
    const metadata: Record<string, unknown> = { ...org.metadata };
    for (const field of fields) {
      const value = current.metadata[field.key]?.trim() ?? "";
      if (value) metadata[field.key] = value;
      else delete metadata[field.key];
    }
    const name = current.name.trim();
    const slug = current.slug.trim();
    const changed = [
      ...(name !== org.name ? ["name"] : []),
      ...(slug !== org.slug ? ["slug"] : []),
      ...(JSON.stringify(metadata) !== JSON.stringify(org.metadata) ? ["metadata"] : []),
    ];
    if (changed.length === 0) {
      action.setOutcome({ tone: "success", text: labels.noChanges });
      return;
    }
    const result = await action.run(
      { type: "update", orgId, changed },
      "update",
      () =>
        update.mutateAsync({
          orgId,
          ...(changed.includes("name") ? { name } : {}),
          ...(changed.includes("slug") ? { slug } : {}),
          ...(changed.includes("metadata") ? { metadata } : {}),
        }),
      () => labels.saved,
    );
    if (result.ok) setDraft(null);
  };

  const transferTo = async (userId: string, name: string) => {
    const result = await action.run(
      { type: "transferOwnership", orgId, userId },
      "transfer",
      () => transfer.mutateAsync({ orgId, userId }),
      () => labels.transferred(name),
    );
    if (result.ok) {
      setDialog(null);
      setNewOwner("");
    }
  };

  const leaveNow = async (heir?: string) => {
    const result = await action.run(
      { type: "leave", orgId, ...(heir ? { transferTo: heir } : {}) },
      "leave",
      () => leave.mutateAsync({ orgId, ...(heir ? { transferTo: heir } : {}) }),
      () => labels.left(org.name),
    );
    if (result.ok) {
      setDialog(null);
      props.onLeft?.(orgId);
    } else if (
      "error" in result &&
      errorReason(result.error) === "TRANSFER_REQUIRED" &&
      errorDetails(result.error)
    ) {
      setDialog({ kind: "leave", heirs: true });
    }
  };

  const deleteNow = async () => {
    const result = await action.run(
      { type: "delete", orgId },
      "delete",
      () => remove.mutateAsync({ orgId }),
      () => labels.deleted(org.name),
    );
    if (result.ok) {
      setDialog(null);
      props.onDeleted?.(orgId);
    }
  };

  const edit = (change: Partial<Draft>) => setDraft({ ...current, ...change });
  const logoUrl = current.metadata[LOGO_KEY];
  const dialogError = dialog && action.outcome?.tone === "error" ? action.outcome.text : null;
  // A refused save whose cause is one field is said next to that field, not below the form.
  const badField =
    !dialog && action.outcome?.tone === "error" && update.error
      ? errorField(update.error, { SLUG_TAKEN: "slug" })
      : undefined;
  const fieldError = (
    <span id={ids.fieldError} className="roster-field-error" role="alert">
      {action.outcome?.text}
    </span>
  );

  return (
    <section
      className={classNames("roster-widget roster-organization-profile", className)}
      aria-labelledby={ids.heading}
      data-busy={busy || undefined}
    >
      <h2 id={ids.heading} ref={headingRef} tabIndex={-1} className="roster-heading">
        {labels.profileTitle}
      </h2>
      {canUpdate ? (
        <form
          className="roster-profile-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          {logo && logoUrl && /^https:\/\//.test(logoUrl) ? (
            <img
              className="roster-logo"
              src={logoUrl}
              alt={labels.logoAlt(org.name)}
              width={48}
              height={48}
            />
          ) : null}
          <label className="roster-field" htmlFor={ids.name}>
            <span className="roster-label">{labels.organizationName}</span>
            <input
              id={ids.name}
              className="roster-input"
              value={current.name}
              maxLength={100}
              required
              aria-invalid={badField === "name" || undefined}
              aria-describedby={badField === "name" ? ids.fieldError : undefined}
              onChange={(e) => edit({ name: e.target.value })}
            />
            {badField === "name" ? fieldError : null}
          </label>
          <div className="roster-field">
            <label className="roster-label" htmlFor={ids.slug}>
              {labels.slugLabel}
            </label>
            <input
              id={ids.slug}
              className="roster-input"
              value={current.slug}
              maxLength={48}
              aria-invalid={badField === "slug" || undefined}
              aria-describedby={badField === "slug" ? `${ids.slugHint} ${ids.fieldError}` : ids.slugHint}
              onChange={(e) => edit({ slug: e.target.value })}
            />
            <span id={ids.slugHint} className="roster-hint">
              {labels.slugHint}
            </span>
            {badField === "slug" ? fieldError : null}
          </div>
          {fields.map((field) => (
            <MetadataInput
              key={field.key}
              field={field}
              type={field.key === LOGO_KEY ? "url" : "text"}
              value={current.metadata[field.key] ?? ""}
              onChange={(value) => edit({ metadata: { ...current.metadata, [field.key]: value } })}
            />
          ))}
          <button
            type="submit"
            className="roster-button"
            data-variant="primary"
            disabled={busy}
            aria-busy={action.busy === "update"}
            data-busy={action.busy === "update" || undefined}
          >
            {action.busy === "update" ? labels.working : labels.saveChanges}
          </button>
        </form>
      ) : (
        <div className="roster-profile-form">
          <dl className="roster-details">
            <div className="roster-details-row">
              <dt>{labels.organizationName}</dt>
              <dd>{org.name}</dd>
            </div>
            <div className="roster-details-row">
              <dt>{labels.slugLabel}</dt>
              <dd>{org.slug}</dd>
            </div>
            {fields
              .filter((field) => field.key !== LOGO_KEY && current.metadata[field.key])
              .map((field) => (
                <div key={field.key} className="roster-details-row">
                  <dt>{field.label}</dt>
                  <dd>{current.metadata[field.key]}</dd>
                </div>
              ))}
          </dl>
          <p className="roster-note">{labels.readOnlyProfile}</p>
        </div>
      )}
      {canTransfer ? (
        <div className="roster-profile-section" data-section="transfer">
          <h3 className="roster-subheading">{labels.transferTitle}</h3>
          <p className="roster-hint">{labels.transferBody}</p>
          <div className="roster-form-row">
            <label className="roster-field">
              <span className="roster-label">{labels.newOwner}</span>
              <select
                className="roster-select"
                value={newOwner}
                onChange={(e) => setNewOwner(e.target.value)}
              >
                <option value="">{labels.chooseMember}</option>
                {candidates.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name ?? m.email}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="roster-button"
              disabled={!newOwner || busy}
              onClick={() => {
                const member = candidates.find((m) => m.id === newOwner);
                if (member) open({ kind: "transfer", userId: member.id, name: member.name ?? member.email });
              }}
            >
              {labels.transfer}
            </button>
          </div>
        </div>
      ) : null}

      <div className="roster-profile-section" data-section="leave">
        <h3 className="roster-subheading">{labels.leaveTitle}</h3>
        <p className="roster-hint">{labels.leaveBody}</p>
        <button
          type="button"
          className="roster-button"
          disabled={busy}
          onClick={() => open({ kind: "leave" })}
        >
          {labels.leave}
        </button>
      </div>

      {canDelete ? (
        <div className="roster-profile-section" data-section="delete">
          <h3 className="roster-subheading">{labels.deleteTitle}</h3>
          <p className="roster-hint">{labels.deleteBody}</p>
          <button
            type="button"
            className="roster-button"
            data-variant="danger"
            disabled={busy}
            onClick={() => open({ kind: "delete" })}
          >
            {labels.deleteOrganization}
          </button>
        </div>
      ) : null}

      <StatusRegion outcome={dialog || badField ? null : action.outcome} busy={busy && !dialog} />

      {dialog?.kind === "transfer" ? (
        <Dialog
          title={labels.transferConfirmTitle(dialog.name)}
          onClose={() => setDialog(null)}
          fallbackFocus={() => headingRef.current}
          onSubmit={() => void transferTo(dialog.userId, dialog.name)}
          actions={
            <ConfirmButtons
              label={labels.transfer}
              busy={action.busy === "transfer"}
              onCancel={() => setDialog(null)}
            />
          }
        >
          <p className="roster-dialog-text">{labels.transferConfirmBody}</p>
          <DialogError text={dialogError} />
        </Dialog>
      ) : dialog?.kind === "leave" ? (
        <LeaveDialog
          name={org.name}
          heirs={dialog.heirs ? heirs.map((m) => ({ id: m.id, name: m.name ?? m.email })) : null}
          busy={action.busy === "leave"}
          error={dialogError}
          onClose={() => setDialog(null)}
          fallbackFocus={() => headingRef.current}
          onLeave={(heir) => void leaveNow(heir)}
        />
      ) : dialog?.kind === "delete" ? (
        <DeleteDialog
          name={org.name}
          busy={action.busy === "delete"}
          error={dialogError}
          onClose={() => setDialog(null)}
          fallbackFocus={() => headingRef.current}
          onDelete={() => void deleteNow()}
        />
      ) : null}
    </section>
  );
}

function MetadataInput(props: {
  field: MetadataField;
  type: "url" | "text";
  value: string;
  onChange: (value: string) => void;
}) {
  const ids = { input: useId(), hint: useId() };
  return (
    <div className="roster-field">
      <label className="roster-label" htmlFor={ids.input}>
        {props.field.label}
      </label>
      <input
        id={ids.input}
        className="roster-input"
        type={props.type}
        value={props.value}
        maxLength={1000}
        aria-describedby={props.field.hint ? ids.hint : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.field.hint ? (
        <span id={ids.hint} className="roster-hint">
          {props.field.hint}
        </span>
      ) : null}
    </div>
  );
}

function LeaveDialog(props: {
  name: string;
  heirs: { id: string; name: string }[] | null;
  busy: boolean;
  error: string | null;
  onClose: () => void;
  fallbackFocus: () => HTMLElement | null;
  onLeave: (heir?: string) => void;
}) {
  const labels = useLabels();
  const [heir, setHeir] = useState("");
  return (
    <Dialog
      title={labels.leaveConfirmTitle(props.name)}
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
      onSubmit={() => props.onLeave(heir || undefined)}
      actions={<ConfirmButtons label={labels.leave} busy={props.busy} danger onCancel={props.onClose} />}
    >
      <p className="roster-dialog-text">{labels.leaveBody}</p>
      {props.heirs ? (
        <label className="roster-field">
          <span className="roster-label">{labels.transferLabel}</span>
          <select className="roster-select" value={heir} required onChange={(e) => setHeir(e.target.value)}>
            <option value="">{labels.chooseMember}</option>
            {props.heirs.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <DialogError text={props.error} />
    </Dialog>
  );
}

function DeleteDialog(props: {
  name: string;
  busy: boolean;
  error: string | null;
  onClose: () => void;
  fallbackFocus: () => HTMLElement | null;
  onDelete: () => void;
}) {
  const labels = useLabels();
  const [typed, setTyped] = useState("");
  const confirmed = typed.trim() === props.name;
  return (
    <Dialog
      title={labels.deleteConfirmTitle(props.name)}
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
      onSubmit={() => {
        if (confirmed) props.onDelete();
      }}
      actions={
        <ConfirmButtons
          label={labels.deleteOrganization}
          busy={props.busy}
          disabled={!confirmed}
          danger
          onCancel={props.onClose}
        />
      }
    >
      <p className="roster-dialog-text">{labels.deleteBody}</p>
      <label className="roster-field">
        <span className="roster-label">{labels.deleteConfirmLabel(props.name)}</span>
        <input
          className="roster-input"
          value={typed}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setTyped(e.target.value)}
        />
      </label>
      <DialogError text={props.error} />
    </Dialog>
  );
}
