import { useId, useState } from "react";
import { useCreateOrganization } from "../hooks/organizations.js";
import { useLabels } from "../provider.js";
import type { ActionCallbacks, CreatedOrganization } from "../types.js";
import { classNames } from "../ui/class-names.js";
import { StatusRegion } from "../ui/status.js";
import { useAction } from "../ui/use-action.js";

export type CreateAction = { type: "create"; name: string };

export interface CreateOrganizationProps extends ActionCallbacks<CreateAction> {
  className?: string;
  onCreated?: (created: { orgId: string; organization: CreatedOrganization }) => void;
}

/** A one-field form that creates an organization owned by the signed-in person. */
export function CreateOrganization({ className, onCreated, onBefore, onAfter }: CreateOrganizationProps) {
  const labels = useLabels();
  const ids = { heading: useId(), input: useId() };
  const [name, setName] = useState("");
  const create = useCreateOrganization();
  const action = useAction<CreateAction>({ onBefore, onAfter });
  const busy = action.busy !== null;

  const submit = async () => {
    const trimmed = name.trim();
    if (!trimmed) {
      action.setOutcome({ tone: "error", text: labels.nameRequired });
      return;
    }
    const result = await action.run(
      { type: "create", name: trimmed },
      "create",
      () => create.mutateAsync({ name: trimmed }),
      (org) => labels.created(org.name),
    );
    if (result.ok) {
      setName("");
      onCreated?.({ orgId: result.result.id, organization: result.result });
    }
  };

  return (
    <form
      className={classNames("roster-widget roster-create-organization", className)}
      aria-labelledby={ids.heading}
      data-busy={busy || undefined}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id={ids.heading} className="roster-heading">
        {labels.createTitle}
      </h2>
      <div className="roster-form-row">
        <label className="roster-field" htmlFor={ids.input}>
          <span className="roster-label">{labels.organizationName}</span>
          <input
            id={ids.input}
            className="roster-input"
            value={name}
            maxLength={100}
            required
            disabled={busy}
            aria-invalid={action.outcome?.tone === "error" || undefined}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="roster-button"
          data-variant="primary"
          disabled={busy}
          aria-busy={busy}
          data-busy={busy || undefined}
        >
          {busy ? labels.working : labels.create}
        </button>
      </div>
      <StatusRegion outcome={action.outcome} busy={busy} />
    </form>
  );
}
