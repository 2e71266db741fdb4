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
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`}>
            {t.text}
          </div>
        ))}
      </div>
      {children}
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
  error,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; error?: string }) {
  const id = useId();
  const length = typeof input.value === "string" ? input.value.length : 0;
  // A counter where a limit matters: shown once the person is near it, announced only then.
  const counter = input.maxLength && length >= input.maxLength * 0.8 ? input.maxLength : null;
  const describedBy = [hint ? `${id}-hint` : "", counter ? `${id}-count` : "", error ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="field" data-invalid={error ? "" : undefined}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? true : undefined}
        {...input}
      />
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      {counter ? (
        <small id={`${id}-count`} className="hint counter" aria-live="polite">
          {length} of {counter} characters
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/**
 * A refused form's errors, each next to its field: the server's validation issues by the field
 * they name (their path), and reasons that belong to one field; the rest is said once for the form.
 */
export function formErrors(
  error: unknown,
  fields: readonly string[],
  byReason: Partial<Record<string, string>> = {},
): { field: (name: string) => string | undefined; other: string | null } {
  const found: Record<string, string> = {};
  if (!error) return { field: () => undefined, other: null };
  const { reason, message } = errorInfo(error);
  const issues = (error as { data?: { issues?: { path: string[]; message: string }[] } }).data?.issues ?? [];
  for (const issue of issues) {
    const name = issue.path[0];
    if (name && fields.includes(name) && !found[name]) found[name] = issue.message;
  }
  const owner = reason ? byReason[reason] : undefined;
  if (owner && !found[owner]) found[owner] = message;
  const matched = Object.keys(found).length > 0;
  return { field: (name) => found[name], other: matched ? null : message };
}

/** What a refused form says once, for the errors that belong to no one field. */
export function FormNote({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p className="error-note" role="alert">
      {text}
    </p>
  );
}

/** "1 member", "3 members": the locale's plural rules choose the form. */
const pluralRules = new Intl.PluralRules();
export function plural(count: number, one: string, other: string): string {
  return `${count.toLocaleString()} ${pluralRules.select(count) === "one" ? one : other}`;
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

/** One date format and one date-and-time format for the whole app, in the reader's locale. */
const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});
export function formatDate(iso: string | Date): string {
  return dateFormat.format(new Date(iso));
}
export function formatDateTime(iso: string | Date): string {
  return dateTimeFormat.format(new Date(iso));
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
