import {
  type ButtonHTMLAttributes,
  createContext,
  type InputHTMLAttributes,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import { errorInfo } from "./trpc";

// ---- toasts: every mutation's outcome is announced in a polite live region ----

type Toast = { id: number; tone: "success" | "error"; text: string };
const ToastContext = createContext<(tone: Toast["tone"], text: string) => void>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const push = useCallback((tone: Toast["tone"], text: string) => {
    next.current += 1;
    const id = next.current;
    setToasts((t) => [...t, { id, tone, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`}>
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);

/** `onError` for mutations: the server's sentence, shown as it is. */
export function useErrorToast() {
  const toast = useToast();
  return (error: unknown) => {
    const { reason, message } = errorInfo(error);
    // Losing access changes the whole page (paused or removed); a toast would only repeat it.
    if (reason === "MEMBERSHIP_DEACTIVATED" || reason === "ORG_NOT_FOUND") return;
    toast("error", message);
  };
}

// ---- form pieces ----

export function Field({
  label,
  hint,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

export function Button({
  busy,
  tone = "primary",
  children,
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { busy?: boolean; tone?: "primary" | "secondary" | "danger" }) {
  return (
    <button
      type="button"
      className={`button button-${tone}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error-note" role="alert">
      {errorInfo(error).message}
    </p>
  );
}

/**
 * A table that may scroll sideways on a narrow screen: a named region a keyboard can reach and
 * scroll (WCAG 2.1.1), not only a mouse or a finger.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard
    // biome-ignore lint/a11y/useSemanticElements: a section would add a landmark per table
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="loading" aria-busy="true">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** A confirmation for destructive actions: a modal <dialog> keeps focus inside and returns it. */
export function Confirm({
  open,
  title,
  body,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
  children,
}: {
  open: boolean;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{body}</div>
      {children}
      <div className="dialog-actions">
        <Button tone="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button tone="danger" busy={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** The centred card of the sign-in, sign-up and other single-purpose pages. */
export function AuthCard({
  id,
  title,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  /** With a handler the card is a form; submitting it never reloads the page. */
  onSubmit?: () => void;
  children: ReactNode;
}) {
  const heading = <h1 id={id}>{title}</h1>;
  return (
    <main className="auth-page">
      {onSubmit ? (
        <form
          className="card auth-card"
          aria-labelledby={id}
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit();
          }}
        >
          {heading}
          {children}
        </form>
      ) : (
        <section className="card auth-card" aria-labelledby={id}>
          {heading}
          {children}
        </section>
      )}
    </main>
  );
}

/** A secret the server shows once (a signing secret, an API key), with Copy. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  return (
    <div className="notice" role="status">
      <span>
        {label} (shown once — copy it now): <code data-testid="shown-once">{value}</code>
      </span>
      <Button tone="secondary" onClick={() => void navigator.clipboard?.writeText(value)}>
        Copy
      </Button>
    </div>
  );
}
