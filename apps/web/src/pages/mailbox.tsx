import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Link } from "../router";
import { errorInfo, useTRPC } from "../trpc";
import { Empty, formatDateTime, Loading } from "../ui";

/** Turns the links in a plain-text email into anchors (same-origin ones stay in the app). */
function linkify(text: string): ReactNode[] {
  return text.split(/(https?:\/\/[^\s]+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={`${i}-${part}`} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

/** Every email the server sent, on the embedded default without SMTP. */
export function MailboxPage() {
  const trpc = useTRPC();
  const [to, setTo] = useState("");
  const mail = useQuery(
    trpc.dev.mailbox.queryOptions(
      { to: to.trim() || undefined, limit: 100 },
      { refetchInterval: 2000, retry: false },
    ),
  );
  return (
    <main className="page narrow">
      <p>
        <Link href="/">← Back to Roster</Link>
      </p>
      <h1>Dev mailbox</h1>
      <p className="muted">Emails Roster sent. Shown because no SMTP server is configured.</p>
      <div className="field">
        <label htmlFor="mailbox-to">Recipient</label>
        <input
          id="mailbox-to"
          type="search"
          placeholder="Any part of the address"
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
      </div>
      {mail.isPending ? <Loading /> : null}
      {mail.error ? <p role="alert">{errorInfo(mail.error).message}</p> : null}
      {mail.data?.length === 0 ? <Empty title="No emails yet" /> : null}
      <ul className="mail-list">
        {mail.data?.map((m) => (
          <li key={m.id} className="card mail">
            <p className="mail-meta">
              To <strong>{m.to}</strong> · {formatDateTime(m.createdAt)}
            </p>
            <h2 className="mail-subject">{m.subject}</h2>
            <pre className="mail-body">{linkify(m.text)}</pre>
          </li>
        ))}
      </ul>
    </main>
  );
}
