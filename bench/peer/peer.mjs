// The bench's peer (bench/run installs graphile-worker next to this file in the temp folder):
// Graphile Worker on the bench's PostgreSQL, concurrency 16, a job = one POST to the bench's fake
// OpenRouter + one insert of the reply. Like the worker-alone phase of BenchDriver: the runner
// idles, a backlog goes in in one transaction (its NOTIFY wakes the runner), the clock stops when
// every job's row is stored. A warm-up backlog first. Prints one PEER_JSON line.
import http from "node:http";
import { run, makeWorkerUtils } from "graphile-worker";

const env = (name, def) => process.env[name] ?? def;
const connectionString = env("PEER_DATABASE_URL");
const fake = new URL(env("PEER_FAKE_URL"));
const jobs = Number(env("PEER_JOBS", "3000"));
const warm = Number(env("PEER_WARM_JOBS", "500"));
const concurrency = Number(env("PEER_CONCURRENCY", "16"));

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency * 2 });

function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: fake.hostname, port: fake.port, path: "/api/v1/chat/completions", method: "POST", agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Authorization: "Bearer bench-key" },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8"))
        : reject(new Error("fake answered " + res.statusCode)));
    });
    req.on("error", reject);
    req.end(body);
  });
}

// jobs this runner finished: the steady feeder's measure of what is left, without a count(*) per look
let finished = 0;
const taskList = {
  async call(payload, helpers) {
    const body = JSON.stringify({ model: "openai/gpt-4o", max_tokens: 1024,
      messages: [{ role: "system", content: "You are the support assistant." }, { role: "user", content: payload.text }] });
    const answer = JSON.parse(await post(body));
    const reply = answer.choices[0].message.content;
    await helpers.withPgClient((c) => c.query("INSERT INTO bench_peer_replies (job_id, reply) VALUES ($1, $2)", [helpers.job.id, reply]));
    finished++;
  },
};

const utils = await makeWorkerUtils({ connectionString });
await utils.migrate();
await utils.withPgClient(async (c) => {
  await c.query("CREATE TABLE IF NOT EXISTS bench_peer_replies (job_id bigint PRIMARY KEY, reply text NOT NULL)");
  await c.query("TRUNCATE bench_peer_replies");
});
const runner = await run({ connectionString, concurrency, maxPoolSize: concurrency + 4, noHandleSignals: true, taskList,
  pollInterval: 2000 });

async function count() {
  return utils.withPgClient(async (c) => Number((await c.query("SELECT count(*) AS n FROM bench_peer_replies")).rows[0].n));
}

async function backlog(n, tag) {
  const before = await count();
  await utils.withPgClient((c) => c.query(
    "SELECT graphile_worker.add_job('call', json_build_object('text', 'Halo, jam buka toko hari ini sampai jam berapa? [' || $2::text || '-' || g || ']')) FROM generate_series(1, $1::int) g",
    [n, tag]));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + 180_000;
  while (await count() < before + n) {
    if (Date.now() > deadline) throw new Error(tag + ": jobs not done in 180 s");
    await new Promise((r) => setTimeout(r, 2));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuMsPerJob: (cpu.user + cpu.system) / 1000 / n };
}

if (env("PEER_STEADY", "") === "1") {
  console.log("PEER_JSON " + JSON.stringify({ version: "0.16.6", concurrency, ...await steady() }));
} else {
  await backlog(warm, "warm");
  const m = await backlog(jobs, "drain");
  console.log("PEER_JSON " + JSON.stringify({ version: "0.16.6", concurrency, jobs, seconds: m.seconds, jobs_s: jobs / m.seconds,
    cpu_ms_per_job: m.cpuMsPerJob }));
}
await runner.stop();
await utils.release();
process.exit(0);

// Steady state, as BenchDriver's worker-alone phase measures ours: a backlog kept topped up (PEER_BACKLOG
// jobs not yet done, added 500 per transaction), windows of PEER_WINDOW_S seconds; the warm-up ends when two
// consecutive windows are within PEER_TOLERANCE_PCT, not before PEER_MIN_WARM_S nor after PEER_MAX_WARM_S;
// then PEER_WINDOWS windows measured. The first minute is reported on its own.
async function steady() {
  const windowS = Number(env("PEER_WINDOW_S", "10"));
  const tol = Number(env("PEER_TOLERANCE_PCT", "5"));
  const minWarm = Math.max(2, Math.ceil(Number(env("PEER_MIN_WARM_S", "60")) / windowS));
  const maxWarm = Math.max(minWarm, Math.floor(Number(env("PEER_MAX_WARM_S", "180")) / windowS));
  const measured = Number(env("PEER_WINDOWS", "3"));
  const target = Number(env("PEER_BACKLOG", "2000"));
  let added = 0, stop = false, batch = 0;
  const base = await count();
  const finished0 = finished;
  const feeder = (async () => {
    while (!stop) {
      if (added - (finished - finished0) < target) {
        await utils.withPgClient((c) => c.query(
          "SELECT graphile_worker.add_job('call', json_build_object('text', 'Halo, jam buka toko hari ini sampai jam berapa? [' || $2::text || '-' || g || ']')) FROM generate_series(1, $1::int) g",
          [500, "steady-" + batch++]));
        added += 500;
      } else {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  })();
  const mark = async () => ({ t: process.hrtime.bigint(), n: await count() - base, cpu: process.cpuUsage() });
  const marks = [await mark()];
  const rates = [];
  let warmEnd = -1, converged = false;
  const t0 = marks[0].t;
  for (let i = 1; ; i++) {
    const wake = Number(t0) / 1e6 + i * windowS * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, wake - Number(process.hrtime.bigint()) / 1e6)));
    marks.push(await mark());
    const a = marks[i - 1], b = marks[i];
    const rate = (b.n - a.n) / (Number(b.t - a.t) / 1e9);
    rates.push(Math.round(rate * 10) / 10);
    if (warmEnd < 0) {
      const prev = rates[i - 2];
      const flat = i >= 2 && prev > 0 && Math.abs(rate - prev) <= prev * tol / 100;
      if ((i >= minWarm && flat) || i >= maxWarm) { warmEnd = i; converged = flat; }
    } else if (i >= warmEnd + measured) break;
  }
  stop = true;
  await feeder;
  const span = (a, b) => {
    const n = Math.max(1, b.n - a.n);
    const cpu = (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000;
    return { jobs_s: (b.n - a.n) / (Number(b.t - a.t) / 1e9), cpu_ms_per_job: cpu / n };
  };
  const s = span(marks[warmEnd], marks[warmEnd + measured]);
  const f = span(marks[0], marks[Math.min(Math.floor(60 / windowS), marks.length - 1)]);
  // the jobs added and not yet run are left for the driver to drop with the schema
  return { jobs_s: s.jobs_s, cpu_ms_per_job: s.cpu_ms_per_job, first_minute_jobs_s: f.jobs_s,
    first_minute_cpu_ms_per_job: f.cpu_ms_per_job, warm_s: Number(marks[warmEnd].t - t0) / 1e9, steady: converged,
    windows: rates, jobs: marks[marks.length - 1].n };
}
