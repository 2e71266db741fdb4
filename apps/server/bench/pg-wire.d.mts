export interface WireCounts {
  roundTrips: number;
  statements: number;
  parses: number;
  connections: number;
}

export interface WireCounter {
  port: number;
  reset(): void;
  snapshot(): WireCounts;
  /** Each statement text sent, with how often, most frequent first. */
  statementTexts(): [string, number][];
  close(): Promise<void>;
}

export function startWireCounter(options?: {
  targetHost?: string;
  targetPort?: number;
}): Promise<WireCounter>;
