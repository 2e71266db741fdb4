import type { Browser } from "playwright-core";

export const JS_BUDGET_KB: number;
export const USABLE_BUDGET_MS: number;

export interface DashboardFigures {
  /** Compressed JavaScript the dashboard downloads, in kB. */
  jsKb: number;
  jsBudgetKb: number;
  /** Median time from navigation to the dashboard's content visible, in ms. */
  usableMs: number;
  usableBudgetMs: number;
  usableRunsMs: number[];
  /** The most API requests one load sent. */
  apiRequests: number;
  /** Each request's procedures, comma-separated as batched. */
  apiCalls: string[];
  /** The Content-Encoding of the scripts. */
  encodings: string[];
  scripts: { path: string; bytes: number }[];
  pass: boolean;
}

export function measureDashboard(options: {
  browser: Browser;
  url: string;
  runs?: number;
}): Promise<DashboardFigures>;
