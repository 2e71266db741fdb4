import { type ReactNode, useEffect, useId, useRef } from "react";
import { useLabels } from "../provider.js";

export interface DialogProps {
  title: string;
  children?: ReactNode;
  /** The buttons; the one marked `data-autofocus` gets focus when the dialog opens. */
  actions: ReactNode;
  onClose: () => void;
  /** Where focus goes on close if the element that opened the dialog is gone. */
  fallbackFocus?: () => HTMLElement | null;
  onSubmit?: () => void;
}

/**
 * A modal built on the native <dialog> with showModal(): the rest of the page is inert, so focus
 * stays inside; Escape closes it; on close, focus returns to the element that opened it. Mount it
 * to open, unmount to close.
 */
export function Dialog({ title, children, actions, onClose, fallbackFocus, onSubmit }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const fallbackRef = useRef(fallbackFocus);
  fallbackRef.current = fallbackFocus;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const cancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener("cancel", cancel);
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    return () => {
      dialog.removeEventListener("cancel", cancel);
      if (dialog.open) dialog.close();
      const target = opener?.isConnected ? opener : fallbackRef.current?.();
      target?.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className="roster-dialog" aria-labelledby={titleId}>
      <form
        method="dialog"
        className="roster-dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit?.();
        }}
      >
        <h2 id={titleId} className="roster-dialog-title">
          {title}
        </h2>
        {children}
        <div className="roster-dialog-actions">{actions}</div>
      </form>
    </dialog>
  );
}

/** Cancel (focused first) and the dialog's action, busy while it runs. */
export function ConfirmButtons(props: {
  label: string;
  busy: boolean;
  danger?: boolean;
  /** Not yet allowed (e.g. a confirmation not typed yet). */
  disabled?: boolean;
  onCancel: () => void;
}) {
  const labels = useLabels();
  return (
    <>
      <button type="button" className="roster-button" data-autofocus onClick={props.onCancel}>
        {labels.cancel}
      </button>
      <button
        type="submit"
        className="roster-button"
        data-variant={props.danger ? "danger" : "primary"}
        disabled={props.busy || props.disabled}
        aria-busy={props.busy}
        data-busy={props.busy || undefined}
      >
        {props.busy ? labels.working : props.label}
      </button>
    </>
  );
}

/** Why the last attempt failed, inside the dialog (the page behind it is inert). */
export function DialogError({ text }: { text: string | null }) {
  return text ? (
    <p className="roster-dialog-error" role="alert">
      {text}
    </p>
  ) : null;
}
