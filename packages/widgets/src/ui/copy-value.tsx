import { useId } from "react";
import { useLabels } from "../provider.js";

/** A value to paste elsewhere (an identity provider), shown read-only with a button that copies it. */
export function CopyValue(props: { label: string; value: string; onCopied: (ok: boolean) => void }) {
  const labels = useLabels();
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      props.onCopied(true);
    } catch {
      props.onCopied(false);
    }
  };
  return (
    <div className="roster-record-line">
      <label className="roster-field" htmlFor={id}>
        <span className="roster-label">{props.label}</span>
        <input
          id={id}
          className="roster-input"
          readOnly
          value={props.value}
          onFocus={(e) => e.target.select()}
        />
      </label>
      <button type="button" className="roster-button" data-size="small" onClick={() => void copy()}>
        {labels.copy(props.label)}
      </button>
    </div>
  );
}
