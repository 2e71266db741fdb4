// Loaded with `node --import` into a server by `bench/profile.mjs --alloc`: on a first SIGUSR2 it
// starts V8's sampling heap profiler (every allocation counted, including objects the next
// scavenge frees; with ALLOC_SURVIVORS=1, only those that outlive a scavenge) and counts the HTTP
// requests the server receives; on a second it writes the profile and the count to
// ALLOC_SAMPLE_FILE.
import diagnostics from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const file = process.env.ALLOC_SAMPLE_FILE;
let requests = 0;
let startedAt = null;
diagnostics.subscribe("http.server.request.start", () => {
  requests += 1;
});
const session = new Session();
session.connect();

process.on("SIGUSR2", async () => {
  if (startedAt === null) {
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      // ALLOC_SURVIVORS=1: only objects that outlive a scavenge (copied or promoted) stay counted.
      includeObjectsCollectedByMinorGC: process.env.ALLOC_SURVIVORS !== "1",
    });
    startedAt = requests;
    return;
  }
  const { profile } = await session.post("HeapProfiler.stopSampling");
  writeFileSync(file, JSON.stringify({ requests: requests - startedAt, profile }));
});
