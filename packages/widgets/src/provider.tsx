import { createRosterClient, type RosterClient } from "@roster/sdk";
import {
  type DehydratedState,
  HydrationBoundary,
  QueryClient,
  QueryClientProvider,
} from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from "react";
import { type AccessLoss, watchAccessLoss } from "./access-loss.js";
import { defaultLabels, type LabelOverrides, type Labels, mergeLabels } from "./labels.js";
import { loadedLocale, loadLocale, type RosterLocale } from "./locales/load.js";
import { TRPCProvider } from "./trpc.js";

export type RosterToken = string | (() => string | undefined | Promise<string | undefined>);
export type RosterTheme = "light" | "dark" | "auto";

export interface RosterProviderProps {
  /** Where Roster runs, e.g. `https://roster.example.com`. */
  url: string;
  /**
   * A session or embed token, or a function asked before every request (embed tokens are
   * short-lived: return a fresh one). Without a token the browser's Roster session cookie is sent.
   */
  token?: RosterToken;
  /** The host's own QueryClient; by default the provider makes one. */
  queryClient?: QueryClient;
  /** `auto` (default) follows the system's colour scheme. */
  theme?: RosterTheme;
  /**
   * The language of every string: `en` (default), `de`, `fr`, `es` or `ja` (loaded on first use; the
   * widgets appear once it has), or a label set imported from `@roster/widgets/locales/<code>`, which
   * renders at once, also on the server.
   */
  locale?: RosterLocale | Labels;
  /** Rewords or translates any string over the locale's; `messages` maps error reasons to sentences. */
  labels?: LabelOverrides;
  /** Data prefetched on the server with `prefetchWidgets` (no loading state on the first render). */
  state?: DehydratedState;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  className?: string;
  /**
   * Called when a call is refused because the person was deactivated in or removed from an
   * organization. The widgets have already dropped what they showed of it.
   */
  onAccessLost?: (loss: AccessLoss) => void;
  children?: ReactNode;
}

interface RosterContextValue {
  labels: Labels;
}

const RosterContext = createContext<RosterContextValue | null>(null);

export function useRosterContext(): RosterContextValue {
  const value = useContext(RosterContext);
  if (!value) throw new Error("Roster widgets must be rendered inside <RosterProvider>.");
  return value;
}

/** The labels in force (defaults merged with the provider's `labels`). */
export function useLabels(): Labels {
  return useRosterContext().labels;
}

/** Final answers (a refusal, a missing organization) are shown at once; only lost requests are retried. */
export function retryOnlyTransient(failureCount: number, error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } | null })?.data?.httpStatus;
  return failureCount < 2 && (status === undefined || status >= 500);
}

export function createDefaultQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 15_000, retry: retryOnlyTransient, refetchOnWindowFocus: false },
    },
  });
}

function createClient(
  url: string,
  tokenRef: { current: RosterToken | undefined },
  fetchImpl: typeof fetch | undefined,
): RosterClient {
  const baseFetch: typeof fetch = (input, init) => (fetchImpl ?? globalThis.fetch)(input, init);
  return createRosterClient({
    url,
    token: () => {
      const token = tokenRef.current;
      return typeof token === "function" ? token() : token;
    },
    // Cookie sessions need the cookie sent to Roster's origin; bearer calls do not.
    fetch: (input, init) =>
      baseFetch(input, tokenRef.current === undefined ? { ...init, credentials: "include" } : init),
  });
}

/** The label set of `locale`: at once when given or already loaded, else after it loads. */
function useLocale(locale: RosterLocale | Labels | undefined): Labels | null {
  const code = typeof locale === "string" ? locale : null;
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (!code || loadedLocale(code, defaultLabels)) return;
    let current = true;
    void loadLocale(code as Exclude<RosterLocale, "en">).then(() => {
      if (current) setLoaded((n) => n + 1);
    });
    return () => {
      current = false;
    };
  }, [code]);
  if (locale === undefined) return defaultLabels;
  if (typeof locale !== "string") return locale;
  return loadedLocale(locale, defaultLabels) ?? null;
}

/** Gives the widgets inside it a Roster client, a query cache, labels and a theme. */
export function RosterProvider(props: RosterProviderProps) {
  const tokenRef = useRef(props.token);
  tokenRef.current = props.token;
  const fetchRef = props.fetch;
  const trpcClient = useMemo(() => createClient(props.url, tokenRef, fetchRef), [props.url, fetchRef]);
  const [ownQueryClient] = useState(() => (props.queryClient ? null : createDefaultQueryClient()));
  const queryClient = props.queryClient ?? (ownQueryClient as QueryClient);
  const onAccessLost = useRef(props.onAccessLost);
  onAccessLost.current = props.onAccessLost;
  useEffect(() => watchAccessLoss(queryClient, (loss) => onAccessLost.current?.(loss)), [queryClient]);
  const base = useLocale(props.locale);
  const labels = useMemo(() => (base ? mergeLabels(props.labels, base) : null), [props.labels, base]);
  const context = useMemo(() => (labels ? { labels } : null), [labels]);
  const content = !context ? null : props.state ? (
    <HydrationBoundary state={props.state}>{props.children}</HydrationBoundary>
  ) : (
    props.children
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <RosterContext.Provider value={context}>
          <div
            className={props.className ? `roster-root ${props.className}` : "roster-root"}
            data-roster-theme={props.theme ?? "auto"}
            aria-busy={context ? undefined : true}
          >
            {content}
          </div>
        </RosterContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
