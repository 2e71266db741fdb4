#!/usr/bin/env node
// One measurement: autocannon against one server, in its own process (never the server's, never
// the orchestrator's). Reads the plan as JSON on stdin and prints one JSON line with the figures.
//
// A plan: { url, connections, seconds | amount, request }, where `request` is
//   { method: "GET", path }                       the same request every time;
//   { method: "POST", path, body }                the same body every time;
//   { method: "POST", path, invite: { orgId, count, role, tag } }   `count` new addresses per request;
//   { method: "POST", path, each: [{ token?, body }] }               one item per request, in order.
// Every request carries `Authorization: Bearer <token>` (the plan's, or the item's).
import autocannon from "autocannon";

const plan = JSON.parse(
  await new Promise((resolve) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => {
      text += chunk;
    });
    process.stdin.on("end", () => resolve(text));
  }),
);

const { request } = plan;
const headers = { authorization: `Bearer ${plan.token}`, "content-type": "application/json" };
let next = 0;
let exhausted = 0;

function setupRequest(req) {
  if (request.invite) {
    const { orgId, count, role, tag } = request.invite;
    const n = next++;
    const emails = Array.from({ length: count }, (_, i) => `${tag}-${n}-${i}@invitees.example.com`);
    req.body = JSON.stringify({ orgId, emails, role });
  } else if (request.each) {
    const item = request.each[next++];
    if (!item) {
      // More requests than prepared items: send an invalid one, which counts as an error.
      exhausted += 1;
      req.body = "{}";
      return req;
    }
    req.body = JSON.stringify(item.body);
    if (item.token) req.headers = { ...headers, authorization: `Bearer ${item.token}` };
  }
  return req;
}

const dynamic = Boolean(request.invite || request.each);
const options = {
  url: plan.url,
  connections: plan.connections,
  ...(plan.amount ? { amount: plan.amount } : { duration: plan.seconds }),
  timeout: 30,
  requests: [
    {
      method: request.method,
      path: request.path,
      headers,
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
      ...(dynamic ? { setupRequest } : {}),
    },
  ],
};

// A run of `amount` requests ends at autocannon's next one-second sample, so its `duration` is whole
// seconds: 400 requests done in 1.2 s would read as 2 s. Such a run is timed to its last response.
// autocannon's latency histogram keeps whole milliseconds, which at single-digit latencies decides a
// 1.5× budget by rounding (a p99 of 6 ms allows 9, and 9.4 reads as 9). Each answered request's own
// time, which autocannon measures with hrtime, is kept here instead; like autocannon's histogram,
// only 2xx answers count.
let durations = new Float64Array(1 << 16);
let answered = 0;
const startedAt = performance.now();
let lastResponseAt = startedAt;
const result = await new Promise((resolve, reject) => {
  const tracker = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
  tracker.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (plan.amount) lastResponseAt = performance.now();
    if (statusCode < 200 || statusCode >= 300) return;
    if (answered === durations.length) {
      const grown = new Float64Array(durations.length * 2);
      grown.set(durations);
      durations = grown;
    }
    durations[answered++] = responseTime;
  });
});
const sorted = durations.subarray(0, answered).sort();
/** The smallest time at or under which `p` % of the answers came (nearest rank), to 0.01 ms. */
const percentile = (p) =>
  answered === 0 ? 0 : Math.round(sorted[Math.max(0, Math.ceil((p / 100) * answered) - 1)] * 100) / 100;
const seconds = plan.amount ? (lastResponseAt - startedAt) / 1000 : result.duration;
const total = result.requests.total;
// autocannon counts a timeout among its errors too.
const failed = result.non2xx + result.errors + result.mismatches;
console.log(
  JSON.stringify({
    requests: total,
    seconds,
    requestsPerSecond: seconds > 0 ? total / seconds : 0,
    latencyMs: { p50: percentile(50), p99: percentile(99), max: percentile(100) },
    bytesPerResponse: total > 0 ? Math.round(result.throughput.total / total) : 0,
    errors: failed + exhausted,
    detail: {
      non2xx: result.non2xx,
      socketErrors: result.errors,
      timeouts: result.timeouts,
      mismatches: result.mismatches,
      exhausted,
      status: { "2xx": result["2xx"], "4xx": result["4xx"], "5xx": result["5xx"] },
    },
  }),
);
