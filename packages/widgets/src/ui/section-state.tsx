import { errorMessage } from "../errors.js";
import { useLabels } from "../provider.js";

/**
 * What an admin section shows before it can show its controls: why it could not load (with Retry),
 * that the viewer's role does not allow it, or that it is loading.
 */
export function SectionState(props: {
  error: unknown;
  forbidden?: boolean;
  forbiddenText?: string;
  loadingText: string;
  onRetry: () => void;
}) {
  const labels = useLabels();
  if (props.error) {
    return (
      <div className="roster-error" data-status="error">
        <p>{errorMessage(props.error, labels)}</p>
        <button type="button" className="roster-button" onClick={props.onRetry}>
          {labels.retry}
        </button>
      </div>
    );
  }
  return (
    <p className="roster-note" data-status={props.forbidden ? "forbidden" : "loading"}>
      {props.forbidden ? props.forbiddenText : props.loadingText}
    </p>
  );
}
