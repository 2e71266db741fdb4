export const RESULTS_START: string;
export const RESULTS_END: string;

export interface Run {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  bytesPerResponse: number;
  errors: number;
  rssMb?: number;
}

export interface ServerSummary {
  requestsPerSecond: number | null;
  p50: number | null;
  p99: number | null;
  errors: number;
  rssMb: number;
  bytesPerResponse: number | null;
  requests: number;
  runs: Run[];
}

export interface CallSummary {
  name: string;
  roster: ServerSummary;
  raw: ServerSummary;
  ratio: number | null;
}

export interface Budget {
  name: string;
  value: number | null;
  limit: string;
  unit: string;
  pass: boolean;
}

export interface Results {
  date: string;
  commit?: string | null;
  settings: { connections: number; seconds: number; rounds: number; mutations: number; bulkRequests: number };
  sizes: Record<string, number> | null;
  machine: { cpus: number; node: string; postgres: string } | null;
  calls?: CallSummary[];
  parity?: { name: string; same: boolean }[];
  idle?: Record<string, { cpuPercent: number }>;
  coldStart?: { seconds: number | null };
  widgets?: { gzippedKb: number; budgetKb: number; pass: boolean };
  webSize?: {
    jsKb: number;
    jsBudgetKb: number;
    usableMs: number;
    usableBudgetMs: number;
    usableRunsMs: number[];
    apiRequests: number;
    pass: boolean;
  };
  soak?: { errors?: number; pass: boolean };
  problems?: string[];
  budgets: Budget[];
  pass: boolean;
}

export function median(values: number[]): number | null;
export function summarize(runs: Run[]): ServerSummary;
export function evaluateBudgets(results: Omit<Results, "budgets" | "pass">): Budget[];
export function renderTable(results: Results): string;
export function replaceResults(docs: string, table: string): string;
export function printBudgets(budgets: Budget[], log?: (line: string) => void): void;
