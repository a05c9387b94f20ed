import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark of issue 7 (run it with bench/run, which builds the jar and sets the classpath).
 * <p>
 * Starts the worker jar twice on one database: first intake only (AI_WORKER_ENABLED=false) for the
 * webhook figures and the pgbench baselines, then with the worker on for end to end, pickup and
 * in-flight scaling, against a fake OpenRouter served from this process. Prints a table and one
 * {@code BENCH_JSON} line. Every wait is bounded; everything listens on 127.0.0.1 only.
 */
public class BenchDriver {

    // --- sizes (env) ---
    static final int INTAKE_REQUESTS = env("BENCH_INTAKE_REQUESTS", 3000);
    static final int INTAKE_CLIENTS = env("BENCH_INTAKE_CLIENTS", 16);
    static final int WARMUP_REQUESTS = env("BENCH_WARMUP_REQUESTS", 1000);
    static final int E2E_JOBS = env("BENCH_E2E_JOBS", 2000);
    /** a phase's posting stops after this many seconds even when fewer webhooks went out (slow machine) */
    static final int PHASE_SECONDS = env("BENCH_PHASE_SECONDS", 45);
    static final int PICKUP_JOBS = env("BENCH_PICKUP_JOBS", 40);
    static final int PICKUP_GAP_MS = env("BENCH_PICKUP_GAP_MS", 250);
    static final int INFLIGHT_CONCURRENCY = env("BENCH_INFLIGHT_CONCURRENCY", 64);
    static final int INFLIGHT_JOBS = env("BENCH_INFLIGHT_JOBS", 256);
    static final int INFLIGHT_LATENCY_MS = env("BENCH_INFLIGHT_LATENCY_MS", 1000);
    /** worker alone: a stored backlog drained (claim, call, store reply, complete), 0 ms fake; the peer drains the same */
    static final int DRAIN_JOBS = env("BENCH_DRAIN_JOBS", 3000);
    static final int PEER_CONCURRENCY = env("BENCH_PEER_CONCURRENCY", 16);
    /** slow model: this many jobs stored at once against a fake of SLOW_LATENCY_MS, the worker at its default concurrency */
    static final int SLOW_JOBS = env("BENCH_SLOW_JOBS", 2000);
    static final int SLOW_LATENCY_MS = env("BENCH_SLOW_LATENCY_MS", 5000);
    /** the worker's concurrency in the main run; 0 = the jar's default (what the slow-model phase measures) */
    static final int CONCURRENCY = env("BENCH_CONCURRENCY", 0);
    static final int PGBENCH_SECONDS = env("BENCH_PGBENCH_SECONDS", 10);
    static final int PGBENCH_CLIENTS = env("BENCH_PGBENCH_CLIENTS", 4);
    static final int CLAIM_POOL = env("BENCH_CLAIM_POOL", 150000);
    static final int CHATS = env("BENCH_CHATS", 200);
    /** how long a start may take to get ready (a machine shared with builds makes it minutes) */
    static final int READY_TIMEOUT_S = env("BENCH_READY_TIMEOUT_SECONDS", 300);
    static final int MAX_SECONDS = env("BENCH_MAX_SECONDS", 1800);
    /** BENCH_STEADY=no: the end-to-end and worker-alone phases as in round 4 (one burst each, no warm-up rule) */
    static final boolean STEADY = !"no".equals(System.getenv("BENCH_STEADY"));
    /** BENCH_PHASES=intake,e2e,...: run only these (a quicker loop while tuning; the table then shows only their rows) */
    static final java.util.Set<String> PHASES = java.util.Set.of(System.getenv().getOrDefault("BENCH_PHASES",
            "intake,baselines,peer,pickup,e2e,drain,slow,packed,split,handover,retrieval").split(","));

    static final String JAR = System.getenv("BENCH_JAR");
    /** the jar extracted by bench/run (java -Djarmode=tools ... extract): plain classpath, no nested jars */
    static final String APP_JAR = System.getenv().getOrDefault("BENCH_APP_JAR", JAR);
    /** class-data archive of the extracted jar, written by a training start (BENCH_CDS=no: none) */
    static final Path CDS_ARCHIVE = Path.of(System.getenv("BENCH_TMP")).resolve("app.jsa");
    /** the worker's java (BENCH_WORKER_JAVA, e.g. a JDK 25's bin/java); the driver runs on the default one */
    static final String WORKER_JAVA = System.getenv().getOrDefault("BENCH_WORKER_JAVA", "java");
    /** BENCH_AOT=1 (JDK 24+): an AOT cache (classes loaded and linked, method profiles) instead of the class-data archive */
    static final boolean AOT = "1".equals(System.getenv("BENCH_AOT"));
    static final boolean CDS = !"no".equals(System.getenv("BENCH_CDS")) && !APP_JAR.equals(JAR);

    /**
     * How the worker is launched: which jar, extra JVM options, which embedded data folder; the
     * recommended options on the command line, or ({@code toolOptions}) in JAVA_TOOL_OPTIONS, as the
     * image and docs/deployment.md give them to a plain {@code java -jar}.
     */
    record Launch(String jar, List<String> jvmOptions, String dataDir, boolean recommendedOptions, boolean toolOptions) {
        Launch(String jar, List<String> jvmOptions, String dataDir) {
            this(jar, jvmOptions, dataDir, true, false);
        }

        static Launch recommended() {
            if (!CDS || !Files.exists(CDS_ARCHIVE)) {
                return new Launch(APP_JAR, List.of(), "pgdata");
            }
            return new Launch(APP_JAR, AOT ? List.of("-XX:AOTCache=" + CDS_ARCHIVE, "-Xlog:aot=off", "-Xlog:cds=off")
                    : List.of("-XX:SharedArchiveFile=" + CDS_ARCHIVE, "-Xlog:cds=off", "-Xlog:class+path=off"), "pgdata");
        }
    }
    static final Path TMP = Path.of(System.getenv("BENCH_TMP"));
    static final String DB_HOST = System.getenv().getOrDefault("DB_HOST", "");
    static final String INSTANCE = "bench";

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    // the fake OpenRouter's state
    static volatile int fakeLatencyMs = 0;
    static final Map<String, Long> fakeFirstSeenNanos = new ConcurrentHashMap<>();
    static final AtomicLong fakeCalls = new AtomicLong();
    /** calls the fake holds right now (its answer not yet sent): the worker's calls in flight */
    static final AtomicInteger fakeInFlight = new AtomicInteger();

    static int workerPort;
    static int dbPort;
    static String dbName = System.getenv().getOrDefault("DB_NAME", "clivy_support");
    static String dbUser = System.getenv().getOrDefault("DB_USER", "postgres");
    static String dbPassword = System.getenv().getOrDefault("DB_PASSWORD", "");
    static Process worker;
    /** the embedded database's folder of the worker started last (its postmaster's CPU is read from it) */
    static String dataDir = "pgdata";
    static final AtomicInteger messageSeq = new AtomicInteger();
    static final long runId = System.currentTimeMillis();

    public static void main(String[] args) throws Exception {
        // the fake writes an answer's headers and body separately: without TCP_NODELAY, Nagle's
        // algorithm holds the body until the client's delayed ACK, about 40 ms per call (the first
        // run of the peer measured that, not Graphile Worker); read when the server class loads
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // and it keeps at most 200 idle connections by default, closing the others under the
        // client's feet: a worker with 512 slots then reuses closed connections (NoHttpResponse)
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(MAX_SECONDS * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("bench: over BENCH_MAX_SECONDS=" + MAX_SECONDS + ", stopping");
            stopWorker();
            System.exit(3);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        Runtime.getRuntime().addShutdownHook(new Thread(BenchDriver::stopWorker));

        HttpServer fake = startFakeOpenRouter();
        int fakePort = fake.getAddress().getPort();
        workerPort = freePort();
        dbPort = DB_HOST.isEmpty() ? freePort() : Integer.parseInt(System.getenv().getOrDefault("DB_PORT", "5432"));
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            // --- run 0: the class-data archive of the extracted jar (a training start on its own database) ---
            if (CDS) {
                log("class-data archive: a training start of the extracted jar (-XX:ArchiveClassesAtExit)");
                startWorker(fakePort, true, 8, "worker-cds-training.log",
                        new Launch(APP_JAR, AOT ? List.of("-XX:AOTCacheOutput=" + CDS_ARCHIVE, "-Xlog:aot=off", "-Xlog:cds=off")
                                : List.of("-XX:ArchiveClassesAtExit=" + CDS_ARCHIVE, "-Xlog:cds=off"),
                                "pgdata-training"));
                if (AOT) {
                    // the AOT cache also keeps method profiles: give the compilers a workload to profile
                    int trained = drive(1500, INTAKE_CLIENTS, "aot-training").length - 1;
                    waitDone(trained, 120);
                }
                stopWorker();
                if (!Files.exists(CDS_ARCHIVE)) {
                    log("no class-data archive was written (see worker-cds-training.log): starting without one");
                }
                if (!DB_HOST.isEmpty()) {
                    wipe();
                }
            }

            // --- run 1: intake only, on a fresh database; then the pgbench baselines (skipped when none of its phases is asked for) ---
            boolean run1 = PHASES.contains("intake") || PHASES.contains("baselines") || PHASES.contains("peer");
            if (run1) {
                log("starting the worker, intake only (AI_WORKER_ENABLED=false), fresh database");
                double readyCold = startWorker(fakePort, false, 8, "worker-intake.log", Launch.recommended());
                r.put("ready_cold_s", readyCold);
                if (!DB_HOST.isEmpty()) {
                    wipe();
                }
                if (PHASES.contains("intake")) {
                    intakePhase(r);
                }
                if (PHASES.contains("baselines")) {
                    baselines(r);
                }
                if (PHASES.contains("peer")) {
                    peerPhase(r, fakePort);
                }
                wipe();
                stopWorker();
            }

            // --- run 2: the worker on, same database (skipped when none of its phases is asked for) ---
            if (PHASES.contains("pickup") || PHASES.contains("e2e") || PHASES.contains("drain") || PHASES.contains("slow")) {
                log("starting the worker (" + (CONCURRENCY > 0 ? "AI_WORKER_CONCURRENCY=" + CONCURRENCY : "default concurrency")
                        + "), existing database");
                double ready = startWorker(fakePort, true, CONCURRENCY, "worker-full.log", Launch.recommended());
                r.put("ready_s", ready);
                seedDocuments();
                if (PHASES.contains("pickup")) {
                    pickupPhase(r);
                }
                if (PHASES.contains("e2e")) {
                    if (STEADY) {
                        endToEndSteady(r, "e2e");
                        // the round-4 fields, now the steady state's
                        r.put("e2e_jobs", r.get("e2e_posted"));
                        r.put("e2e_jobs_s", r.get("e2e_rate"));
                        r.put("cpu_ms_per_job", r.get("e2e_cpu_worker_ms"));
                    } else {
                        endToEndPhase(r);
                    }
                }
                if (PHASES.contains("drain")) {
                    if (STEADY) {
                        drainSteady(r, "drain");
                        r.put("drain_jobs_s", r.get("drain_rate"));
                        r.put("drain_cpu_ms_per_job", r.get("drain_cpu_worker_ms"));
                        r.put("drain_fake_cpu_ms_per_call", r.get("drain_cpu_driver_ms"));
                    } else {
                        drainPhase(r, "drain");
                    }
                }
                if (PHASES.contains("slow")) {
                    slowPhase(r);
                }
                r.put("rss_peak_mb", peakRssMb(worker.pid()));
                stopWorker();
            }

            // --- the stage run (round 5), before the packed jar's: the new stages, each with its own CPU per job ---
            if (PHASES.contains("split") || PHASES.contains("handover") || PHASES.contains("retrieval")) {
                stagePhases(r, fakePort);
            }

            // --- run 3: the packed jar as plain `java -jar` (nested jars, no archive), its options given the
            // documented way for a plain jar, JAVA_TOOL_OPTIONS; 64 slots: the 1 s in-flight figure, a drain, its RSS ---
            if (PHASES.contains("packed")) {
                log("restarting from the packed jar (java -jar, JAVA_TOOL_OPTIONS, AI_WORKER_CONCURRENCY=" + INFLIGHT_CONCURRENCY + ")");
                r.put("ready_packed_s", startWorker(fakePort, true, INFLIGHT_CONCURRENCY, "worker-packed.log",
                        new Launch(JAR, List.of(), "pgdata", false, true)));
                drainPhase(r, "drain_packed"); // also the warm-up of the in-flight phase (a fresh JVM's compiler)
                inflightPhase(r);
                r.put("rss_packed_mb", peakRssMb(worker.pid()));
                stopWorker();
            }
            r.put("fake_calls", fakeCalls.get());
        } catch (Throwable t) {
            System.err.println("bench: failed: " + t);
            t.printStackTrace();
            stopWorker();
            fake.stop(0);
            System.exit(1);
        }
        fake.stop(0);
        if (PHASES.size() < 11) {
            System.out.println("BENCH_JSON " + json(r)); // a partial run: its figures only, no table
            System.exit(0);
        }
        report(r);
        System.exit(0); // the fake's pool threads are not daemons
    }

    // ------------------------------------------------------------------ phases

    static void intakePhase(Map<String, Object> r) throws Exception {
        log("intake: " + WARMUP_REQUESTS + " warm-up + " + INTAKE_REQUESTS + " webhooks, " + INTAKE_CLIENTS + " clients");
        drive(WARMUP_REQUESTS, INTAKE_CLIENTS, "warm");
        // the statistics autovacuum gathers within a minute of the first rows (autovacuum_naptime): a
        // fresh database's plans are made for empty tables until then, and the webhook's statement
        // stays on them while the tables grow (bench/README.md: round 4)
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.execute("ANALYZE messages");
            s.execute("ANALYZE ai_jobs");
        }
        if (WRK != null) {
            wrkIntake(r);
            return;
        }
        startProfile("intake");
        long[] cpu0 = cpuNow();
        long[] lat = drive(INTAKE_REQUESTS, INTAKE_CLIENTS, "intake");
        cpuShares(r, "intake", cpu0, lat.length - 1);
        stopProfile("intake");
        long elapsed = lat[lat.length - 1];
        long[] sorted = Arrays.copyOf(lat, lat.length - 1);
        Arrays.sort(sorted);
        r.put("intake_requests", sorted.length);
        r.put("intake_rps", sorted.length / (elapsed / 1e9));
        r.put("intake_p50_ms", pct(sorted, 50));
        r.put("intake_p99_ms", pct(sorted, 99));
    }

    /**
     * Posts up to {@code n} webhooks from {@code clients} threads, for at most PHASE_SECONDS; returns
     * the latency (ns) of each one posted and, last, the wall time.
     */
    static long[] drive(int n, int clients, String tag) throws Exception {
        long[] lat = new long[n + 1];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger posted = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        long stopAt = t0 + TimeUnit.SECONDS.toNanos(PHASE_SECONDS);
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                int i;
                while (System.nanoTime() < stopAt && (i = next.getAndIncrement()) < n) {
                    long s = System.nanoTime();
                    int status = postWebhook(tag + "-" + i);
                    lat[i] = System.nanoTime() - s;
                    posted.incrementAndGet();
                    if (status != 202) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(180, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException(tag + ": webhooks did not finish in 180 s");
        }
        long wall = System.nanoTime() - t0;
        if (failures.get() > 0) {
            throw new IllegalStateException(tag + ": " + failures.get() + " webhooks not answered 202");
        }
        int done = posted.get();
        if (done < n) {
            log(tag + ": stopped after " + PHASE_SECONDS + " s with " + done + " of " + n + " webhooks posted");
        }
        long[] out = Arrays.copyOf(lat, done + 1); // the threads took indexes in order, so 0..done-1 are filled
        out[done] = wall;
        return out;
    }

    /** wrk, when on the PATH (bench/run installs it as root; BENCH_CLIENT=java: the JDK client instead) */
    static final String WRK = !"java".equals(System.getenv("BENCH_CLIENT")) && Files.isExecutable(Path.of("/usr/bin/wrk"))
            ? "/usr/bin/wrk" : null;
    static final int WRK_SECONDS = env("BENCH_WRK_SECONDS", 10);

    /**
     * The intake figure from wrk (a C load generator, as pgbench is for the baseline): 2 threads, the
     * same 16 connections, each post a new message id; every post must be answered 202 and stored.
     */
    static void wrkIntake(Map<String, Object> r) throws Exception {
        Path script = TMP.resolve("intake.lua");
        Files.writeString(script, """
                -- one new message per request: the thread's number and its own counter make the id
                local counter = 0
                local threads = 0
                function setup(thread)
                    threads = threads + 1
                    thread:set("tid", threads)
                end
                function init(args)
                    prefix = args[1]
                end
                request = function()
                    counter = counter + 1
                    local id = prefix .. "-" .. tid .. "-" .. counter
                    local chat = string.format("62812%%07d@s.whatsapp.net", (tid * 100003 + counter) %% %d)
                    local body = '{"event":"Message","instanceName":"%s","data":{"Info":{"ID":"' .. id .. '","Sender":"' .. chat
                        .. '","PushName":"Bench"},"Message":{"extendedTextMessage":{"text":"Halo, jam buka toko hari ini sampai jam berapa? ['
                        .. id .. ']"}}}}'
                    return wrk.format("POST", "/webhook/ai", {["Content-Type"] = "application/json"}, body)
                end
                """.formatted(CHATS, INSTANCE));
        String prefix = "wrk-" + runId;
        log("intake: wrk, 2 threads, " + INTAKE_CLIENTS + " connections, " + WRK_SECONDS + " s");
        startProfile("intake");
        long[] cpu0 = cpuNow();
        Process p = new ProcessBuilder(WRK, "-t2", "-c" + INTAKE_CLIENTS, "-d" + WRK_SECONDS + "s", "--latency",
                "-s", script.toString(), base() + "/webhook/ai", "--", prefix).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(WRK_SECONDS + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        Files.writeString(TMP.resolve("intake-wrk.out"), out);
        Matcher total = Pattern.compile("([0-9]+) requests in").matcher(out);
        Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        if (!total.find() || !rps.find() || out.contains("Non-2xx") || out.contains("Socket errors")) {
            throw new IllegalStateException("intake: wrk saw errors or printed no rate:\n" + out);
        }
        long requests = Long.parseLong(total.group(1));
        cpuShares(r, "intake", cpu0, (int) requests);
        stopProfile("intake");
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM messages WHERE gateway_message_id LIKE '" + prefix + "-%'")) {
            rs.next();
            // wrk counts the answers it read; a request cut off at the end may still have been stored
            if (rs.getLong(1) < requests) {
                throw new IllegalStateException("intake: wrk had " + requests + " answers but " + rs.getLong(1) + " messages are stored");
            }
        }
        r.put("intake_client", "wrk");
        r.put("intake_requests", requests);
        r.put("intake_rps", Double.parseDouble(rps.group(1)));
        r.put("intake_p50_ms", wrkLatencyMs(out, "50%"));
        r.put("intake_p99_ms", wrkLatencyMs(out, "99%"));
    }

    /** A percentile of wrk's latency distribution, in ms (wrk prints us, ms or s). */
    static double wrkLatencyMs(String out, String percentile) {
        Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)\\s*$").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no " + percentile + " latency:\n" + out);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static void baselines(Map<String, Object> r) throws Exception {
        Path insert = TMP.resolve("pgbench-insert.sql");
        Files.writeString(insert, """
                -- a plain job insert: the statement of sql/intake-messages.sql for one message, without the app
                \\set chat random(1, %d)
                WITH inbound AS (
                    INSERT INTO messages (instance, chat, direction, gateway_message_id, sender, push_name, body)
                    VALUES ('pgbench', 'chat-' || :chat, 'in', gen_random_uuid()::text, 'chat-' || :chat, 'Bench', 'Halo, jam buka toko hari ini sampai jam berapa?')
                    ON CONFLICT (instance, gateway_message_id) DO NOTHING
                    RETURNING id, instance, chat
                ), job AS (
                    INSERT INTO ai_jobs (message_id, instance, chat, max_attempts, context_messages, input_json)
                    SELECT id, instance, chat, 3, 10, CAST('{"text":"Halo, jam buka toko hari ini sampai jam berapa?","sender":"bench","push_name":"Bench"}' AS jsonb) FROM inbound
                    RETURNING id
                )
                SELECT id AS job_id, true AS created FROM job;
                """.formatted(CHATS));
        log("baseline: pgbench job insert, " + PGBENCH_CLIENTS + " clients, " + PGBENCH_SECONDS + " s");
        r.put("pgbench_insert_tps", pgbench(insert));

        // enough pending jobs that the claim never runs dry
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.execute("""
                    WITH m AS (
                        INSERT INTO messages (instance, chat, direction, gateway_message_id, body)
                        SELECT 'pgbench', 'chat-' || (g %% %d), 'in', 'seed-' || g, 'Halo, jam buka toko hari ini sampai jam berapa?'
                          FROM generate_series(1, %d) g
                        RETURNING id, instance, chat)
                    INSERT INTO ai_jobs (message_id, instance, chat, input_json)
                    SELECT id, instance, chat, '{"text":"Halo"}'::jsonb FROM m
                    """.formatted(CHATS, CLAIM_POOL));
            s.execute("VACUUM ANALYZE ai_jobs");
            s.execute("VACUUM ANALYZE messages");
        }
        Path claim = TMP.resolve("pgbench-claim.sql");
        Files.writeString(claim, """
                -- the claim of sql/claim-jobs.sql with LIMIT 1, then the completion of sql/job-done.sql
                WITH claimed AS (
                    UPDATE ai_jobs j
                       SET status = 'processing', attempts = j.attempts + 1, locked_by = 'pgbench',
                           locked_until = now() + make_interval(secs => 150)
                     WHERE j.id IN (SELECT id FROM ai_jobs
                                     WHERE status = 'pending' AND run_at <= now()
                                     ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING j.id, j.message_id, j.instance, j.chat, j.attempts, j.max_attempts,
                              j.context_messages, j.input_json::text AS input_json)
                SELECT coalesce((SELECT id FROM claimed), 0) AS job_id \\gset
                WITH done AS (
                    UPDATE ai_jobs
                       SET status = 'done', output_json = CAST('{"reply":"Toko buka sampai jam 9 malam.","model":"bench","latency_ms":0}' AS jsonb),
                           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL
                     WHERE id = :job_id AND status = 'processing' AND locked_by = 'pgbench'
                 RETURNING id, instance, chat)
                INSERT INTO messages (instance, chat, direction, body, job_id)
                SELECT instance, chat, 'out', 'Toko buka sampai jam 9 malam.', id FROM done
                RETURNING job_id;
                """);
        log("baseline: pgbench claim (SKIP LOCKED, LIMIT 1) + completion, " + PGBENCH_CLIENTS + " clients, " + PGBENCH_SECONDS + " s");
        r.put("pgbench_claim_tps", pgbench(claim));
        lastPgbenchDbCpuMs.forEach((name, ms) -> r.put(name + "_cpu_db_ms", ms));
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM ai_jobs WHERE status = 'pending' AND instance = 'pgbench'")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                log("warning: the claim baseline ran out of pending jobs; raise BENCH_CLAIM_POOL");
            }
        }
    }

    /** the database's CPU per pgbench transaction (ms), per script */
    static final Map<String, Double> lastPgbenchDbCpuMs = new ConcurrentHashMap<>();

    static double pgbench(Path script) throws Exception {
        List<String> cmd = List.of("pgbench", "-n", "-M", "prepared", "-h", dbHost(), "-p", String.valueOf(dbPort),
                "-U", dbUser, "-c", String.valueOf(PGBENCH_CLIENTS), "-j", String.valueOf(Math.min(2, PGBENCH_CLIENTS)),
                "-T", String.valueOf(PGBENCH_SECONDS), "-f", script.toString(), dbName);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", dbPassword);
        long db0 = databaseTicks();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(PGBENCH_SECONDS + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("pgbench did not finish");
        }
        Files.writeString(TMP.resolve(script.getFileName() + ".out"), out);
        Matcher m = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("pgbench failed:\n" + out);
        }
        Matcher n = Pattern.compile("number of transactions actually processed: ([0-9]+)").matcher(out);
        if (n.find()) {
            Thread.sleep(1000); // pgbench's backends end with it: their CPU counts once the postmaster reaped them
            String name = script.getFileName().toString().replace(".sql", "").replace('-', '_');
            lastPgbenchDbCpuMs.put(name, (databaseTicks() - db0) * (1000.0 / clockTicks()) / Long.parseLong(n.group(1)));
        }
        return Double.parseDouble(m.group(1));
    }

    /** Idle worker: one job at a time, insert (created_at) to claim (a bench-only trigger stamps it), both on the database clock. */
    static void pickupPhase(Map<String, Object> r) throws Exception {
        log("pickup: " + PICKUP_JOBS + " single jobs, " + PICKUP_GAP_MS + " ms apart");
        fakeLatencyMs = 0;
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_claims (job_id bigint PRIMARY KEY, claimed_at timestamptz NOT NULL)");
            s.execute("""
                    CREATE OR REPLACE FUNCTION bench_claim_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF OLD.status = 'pending' AND NEW.status = 'processing' THEN
                            INSERT INTO bench_claims VALUES (NEW.id, clock_timestamp()) ON CONFLICT DO NOTHING;
                        END IF;
                        RETURN NEW;
                    END $$""");
            s.execute("CREATE TRIGGER bench_claim_stamp AFTER UPDATE ON ai_jobs FOR EACH ROW EXECUTE FUNCTION bench_claim_stamp()");
        }
        waitDone(1, 30); // the first webhook of startWorker
        int base = countDone();
        // warm the path, unmeasured
        for (int i = 0; i < 5; i++) {
            postWebhook("pickwarm-" + i);
        }
        waitDone(base + 5, 30);
        double[] pickup = new double[PICKUP_JOBS];
        double[] toCall = new double[PICKUP_JOBS];
        for (int i = 0; i < PICKUP_JOBS; i++) {
            Thread.sleep(PICKUP_GAP_MS);
            String id = "pickup-" + runId + "-" + i;
            long sent = System.nanoTime();
            int status = postWebhook(id);
            long answered = System.nanoTime();
            if (status != 202) {
                throw new IllegalStateException("pickup webhook answered " + status);
            }
            waitDone(base + 5 + i + 1, 30);
            Long seen = fakeFirstSeenNanos.get(id);
            toCall[i] = seen == null ? Double.NaN : (seen - answered) / 1e6;
        }
        try (Connection c = db(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("""
                    SELECT extract(epoch FROM (b.claimed_at - j.created_at)) * 1000
                      FROM ai_jobs j JOIN bench_claims b ON b.job_id = j.id
                      JOIN messages m ON m.id = j.message_id
                     WHERE m.gateway_message_id LIKE 'pickup-%'
                     ORDER BY j.id""")) {
                int k = 0;
                while (rs.next() && k < PICKUP_JOBS) {
                    pickup[k++] = rs.getDouble(1);
                }
                if (k != PICKUP_JOBS) {
                    throw new IllegalStateException("pickup: " + k + " claims stamped of " + PICKUP_JOBS);
                }
            }
            s.execute("DROP TRIGGER bench_claim_stamp ON ai_jobs");
            s.execute("DROP FUNCTION bench_claim_stamp()");
            s.execute("DROP TABLE bench_claims");
        }
        Arrays.sort(pickup);
        Arrays.sort(toCall);
        r.put("pickup_p50_ms", pct(pickup, 50));
        r.put("pickup_p99_ms", pct(pickup, 99));
        r.put("webhook_to_call_p50_ms", pct(toCall, 50));
    }

    static void endToEndPhase(Map<String, Object> r) throws Exception {
        fakeLatencyMs = 0;
        int before = countDone();
        int warm = Math.max(1, E2E_JOBS / 5);
        log("end to end: " + warm + " warm-up jobs, then " + E2E_JOBS + " jobs, 0 ms fake");
        int warmed = drive(warm, INTAKE_CLIENTS, "e2ewarm").length - 1;
        waitDone(before + warmed, 180);
        before += warmed;
        startProfile("e2e");
        long[] shares0 = cpuNow();
        long cpu0 = cpuTicks(worker.pid());
        long t0 = System.nanoTime();
        int jobs = drive(E2E_JOBS, INTAKE_CLIENTS, "e2e").length - 1;
        long postedAt = System.nanoTime();
        waitDone(before + jobs, 180);
        long t1 = System.nanoTime();
        long cpu1 = cpuTicks(worker.pid());
        stopProfile("e2e");
        r.put("e2e_jobs", jobs);
        r.put("e2e_jobs_s", jobs / ((t1 - t0) / 1e9));
        r.put("e2e_post_s", (postedAt - t0) / 1e9);
        r.put("cpu_ms_per_job", (cpu1 - cpu0) * (1000.0 / clockTicks()) / jobs);
        cpuShares(r, "e2e", shares0, jobs);
    }

    /**
     * The jobs go into the database in one transaction (as intake's statement would store them), so
     * the figure is the worker's own: claim, 64 calls in flight, completion; not the webhook rate.
     */
    static void inflightPhase(Map<String, Object> r) throws Exception {
        fakeLatencyMs = INFLIGHT_LATENCY_MS;
        int before = countDone();
        log("in flight: " + INFLIGHT_JOBS + " jobs inserted at once, " + INFLIGHT_LATENCY_MS + " ms fake, concurrency " + INFLIGHT_CONCURRENCY);
        long t0 = storeBacklog("inflight", INFLIGHT_JOBS);
        waitDone(before + INFLIGHT_JOBS, 180);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double ideal = INFLIGHT_CONCURRENCY * 1000.0 / INFLIGHT_LATENCY_MS;
        r.put("inflight_jobs_s", INFLIGHT_JOBS / seconds);
        r.put("inflight_ideal_jobs_s", ideal);
        r.put("inflight_pct", 100.0 * INFLIGHT_JOBS / seconds / ideal);
        fakeLatencyMs = 0;
    }

    /** Stores {@code n} jobs in one transaction (as intake's statement would store them); returns the time of the commit. */
    static long storeBacklog(String tag, int n) throws Exception {
        try (Connection c = db(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("""
                    WITH m AS (
                        INSERT INTO messages (instance, chat, direction, gateway_message_id, sender, push_name, body)
                        SELECT '%1$s', 'chat-' || (g %% %4$d), 'in', '%2$s-%3$d-' || g, 'chat-' || (g %% %4$d), 'Bench',
                               'Halo, jam buka toko hari ini sampai jam berapa? [' || g || ']'
                          FROM generate_series(1, %5$d) g
                        RETURNING id, instance, chat, sender, push_name, body)
                    INSERT INTO ai_jobs (message_id, instance, chat, input_json)
                    SELECT id, instance, chat, jsonb_build_object('instance', instance, 'chat', chat, 'sender', sender,
                                                                  'push_name', push_name, 'text', body)
                      FROM m""".formatted(INSTANCE, tag, runId, Math.max(CHATS, n), n));
            long t0 = System.nanoTime();
            c.commit();
            return t0;
        }
    }

    /**
     * Worker alone: {@code DRAIN_JOBS} jobs stored at once while the worker idles, 0 ms fake; jobs/s
     * from the commit to the last one done, the worker's CPU per job, and the fake's (this JVM's) CPU
     * per call, to show the fake is not what limits.
     */
    static void drainPhase(Map<String, Object> r, String key) throws Exception {
        fakeLatencyMs = 0;
        int before = countDone();
        log("worker alone: a stored backlog of " + DRAIN_JOBS + " jobs drained, 0 ms fake");
        long cpu0 = workerCpuTicks();
        long self0 = cpuTicks(ProcessHandle.current().pid());
        long calls0 = fakeCalls.get();
        startProfile(key);
        long[] shares0 = cpuNow();
        long t0 = storeBacklog(key, DRAIN_JOBS);
        waitDone(before + DRAIN_JOBS, 180);
        double seconds = (System.nanoTime() - t0) / 1e9;
        stopProfile(key);
        double tick = 1000.0 / clockTicks();
        r.put(key + "_jobs_s", DRAIN_JOBS / seconds);
        r.put(key + "_cpu_ms_per_job", (workerCpuTicks() - cpu0) * tick / DRAIN_JOBS);
        cpuShares(r, key, shares0, DRAIN_JOBS);
        r.put(key + "_fake_cpu_ms_per_call", (cpuTicks(ProcessHandle.current().pid()) - self0) * tick
                / Math.max(1, fakeCalls.get() - calls0));
    }

    /**
     * Slow model: SLOW_JOBS stored at once, a fake of SLOW_LATENCY_MS, the worker at the concurrency
     * of its run; the fake counts the calls it holds (peak, and the average over the phase), the
     * rate is compared with the ideal min(concurrency, jobs) / latency.
     */
    static void slowPhase(Map<String, Object> r) throws Exception {
        int concurrency = CONCURRENCY > 0 ? CONCURRENCY : workerConcurrency();
        fakeLatencyMs = SLOW_LATENCY_MS;
        int before = countDone();
        log("slow model: " + SLOW_JOBS + " jobs stored at once, " + SLOW_LATENCY_MS + " ms fake, concurrency " + concurrency);
        AtomicInteger peak = new AtomicInteger();
        AtomicLong sum = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        java.util.concurrent.ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        long t0 = storeBacklog("slow", SLOW_JOBS);
        sampler.scheduleAtFixedRate(() -> {
            int n = fakeInFlight.get();
            peak.accumulateAndGet(n, Math::max);
            sum.addAndGet(n);
            samples.incrementAndGet();
        }, 0, 20, TimeUnit.MILLISECONDS);
        if ("1".equals(System.getenv("BENCH_NMT"))) {
            // BENCH_WORKER_JAVA_OPTS with -XX:NativeMemoryTracking=summary: where the RSS goes with every slot busy
            await(() -> fakeInFlight.get() >= Math.min(concurrency, SLOW_JOBS) * 9 / 10, 30);
            Process p = new ProcessBuilder("jcmd", String.valueOf(worker.pid()), "VM.native_memory", "summary")
                    .redirectErrorStream(true).redirectOutput(TMP.resolve("nmt-slow.txt").toFile()).start();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        waitDone(before + SLOW_JOBS, 300);
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.shutdownNow();
        fakeLatencyMs = 0;
        double ideal = Math.min(concurrency, SLOW_JOBS) * 1000.0 / SLOW_LATENCY_MS;
        r.put("slow_concurrency", concurrency);
        r.put("slow_jobs_s", SLOW_JOBS / seconds);
        r.put("slow_ideal_jobs_s", ideal);
        r.put("slow_pct", 100.0 * SLOW_JOBS / seconds / ideal);
        r.put("slow_inflight_peak", peak.get());
        r.put("slow_inflight_avg", (double) sum.get() / Math.max(1, samples.get()));
        r.put("slow_rss_mb", peakRssMb(worker.pid()));
    }

    /** Polls {@code condition} every 10 ms for at most {@code seconds}. */
    static void await(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** The jar's default job slots: ai-worker.concurrency of application.yaml (the file the jar packs). */
    static int workerConcurrency() throws Exception {
        Matcher m = Pattern.compile("(?m)^  concurrency: *([0-9]+)").matcher(Files.readString(Path.of("application.yaml")));
        if (!m.find()) {
            throw new IllegalStateException("application.yaml names no ai-worker.concurrency: set BENCH_CONCURRENCY");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * The peer: Graphile Worker (bench/peer, installed by bench/run) on this database, concurrency
     * PEER_CONCURRENCY, the same fake at 0 ms, draining a stored backlog of DRAIN_JOBS (after a
     * warm-up); skipped when bench/run could not install it.
     */
    static void peerPhase(Map<String, Object> r, int fakePort) throws Exception {
        String dir = System.getenv("BENCH_PEER_DIR");
        if (dir == null || dir.isBlank() || !Files.isDirectory(Path.of(dir, "node_modules", "graphile-worker"))) {
            log("peer: graphile-worker not installed (bench/run needs node and npm): skipped");
            return;
        }
        fakeLatencyMs = 0;
        log("peer: graphile-worker, concurrency " + PEER_CONCURRENCY + ", a stored backlog of " + DRAIN_JOBS + " jobs, 0 ms fake");
        ProcessBuilder pb = new ProcessBuilder("node", "peer.mjs").directory(new java.io.File(dir))
                .redirectErrorStream(true).redirectOutput(TMP.resolve("peer.log").toFile());
        pb.environment().put("PEER_DATABASE_URL", "postgres://" + dbUser + (dbPassword.isEmpty() ? "" : ":" + dbPassword)
                + "@" + dbHost() + ":" + dbPort + "/" + dbName);
        pb.environment().put("PEER_FAKE_URL", "http://127.0.0.1:" + fakePort + "/");
        pb.environment().put("PEER_JOBS", String.valueOf(DRAIN_JOBS));
        pb.environment().put("PEER_WARM_JOBS", String.valueOf(Math.max(100, DRAIN_JOBS / 6)));
        pb.environment().put("PEER_CONCURRENCY", String.valueOf(PEER_CONCURRENCY));
        if (STEADY) {
            // the same warm-up rule and windows as our worker-alone phase
            pb.environment().put("PEER_STEADY", "1");
            pb.environment().put("PEER_WINDOW_S", String.valueOf(STEADY_WINDOW_S));
            pb.environment().put("PEER_TOLERANCE_PCT", String.valueOf(STEADY_TOLERANCE_PCT));
            pb.environment().put("PEER_MIN_WARM_S", String.valueOf(STEADY_MIN_WARM_S));
            pb.environment().put("PEER_MAX_WARM_S", String.valueOf(STEADY_MAX_WARM_S));
            pb.environment().put("PEER_WINDOWS", String.valueOf(STEADY_MEASURE_WINDOWS));
            pb.environment().put("PEER_BACKLOG", String.valueOf(DRAIN_STEADY_BACKLOG));
            log("peer: steady state, windows of " + STEADY_WINDOW_S + " s (its own warm-up rule is ours)");
        }
        long self0 = cpuTicks(ProcessHandle.current().pid());
        long calls0 = fakeCalls.get();
        long db0 = databaseTicks();
        Process p = pb.start();
        if (!p.waitFor(240 + (STEADY ? STEADY_MAX_WARM_S + STEADY_WINDOW_S * STEADY_MEASURE_WINDOWS : 0), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("peer did not finish in 240 s:\n" + tail(TMP.resolve("peer.log")));
        }
        String out = Files.readString(TMP.resolve("peer.log"));
        Matcher m = Pattern.compile("PEER_JSON .*\"jobs_s\":([0-9.eE+-]+).*\"cpu_ms_per_job\":([0-9.eE+-]+)").matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("peer failed:\n" + tail(TMP.resolve("peer.log")));
        }
        r.put("peer_jobs_s", Double.parseDouble(m.group(1)));
        r.put("peer_cpu_ms_per_job", Double.parseDouble(m.group(2)));
        long peerJobs = DRAIN_JOBS + Math.max(100, DRAIN_JOBS / 6);
        Matcher first = Pattern.compile("\"first_minute_jobs_s\":([0-9.eE+-]+),\"first_minute_cpu_ms_per_job\":([0-9.eE+-]+),"
                + "\"warm_s\":([0-9.eE+-]+),\"steady\":(true|false),\"windows\":(\\[[^\\]]*\\]),\"jobs\":([0-9]+)").matcher(out);
        if (first.find()) {
            r.put("peer_first_minute_jobs_s", Double.parseDouble(first.group(1)));
            r.put("peer_first_minute_cpu_ms_per_job", Double.parseDouble(first.group(2)));
            r.put("peer_warm_s", Double.parseDouble(first.group(3)));
            r.put("peer_steady", Boolean.parseBoolean(first.group(4)));
            r.put("peer_windows", first.group(5));
            peerJobs = Long.parseLong(first.group(6));
        }
        r.put("peer_fake_cpu_ms_per_call", (cpuTicks(ProcessHandle.current().pid()) - self0) * (1000.0 / clockTicks())
                / Math.max(1, fakeCalls.get() - calls0));
        // the database's CPU over the whole peer run (its schema set-up and warm-up included) per job it ran
        Thread.sleep(1000); // its backends end with it: their CPU counts once the postmaster reaped them
        r.put("peer_cpu_db_ms", (databaseTicks() - db0) * (1000.0 / clockTicks()) / peerJobs);
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA graphile_worker CASCADE");
            s.execute("DROP TABLE bench_peer_replies");
        }
    }

    // ------------------------------------------------------------------ steady state (round 5)

    /** the length of one measuring window, in seconds */
    static final int STEADY_WINDOW_S = env("BENCH_STEADY_WINDOW_SECONDS", 10);
    /** two consecutive windows within this many % of each other: the rate has stopped rising */
    static final int STEADY_TOLERANCE_PCT = env("BENCH_STEADY_TOLERANCE_PCT", 5);
    /** the warm-up lasts at least this long (the first minute, reported on its own) ... */
    static final int STEADY_MIN_WARM_S = env("BENCH_STEADY_MIN_SECONDS", 60);
    /** ... and at most this long, steady or not (the run says which) */
    static final int STEADY_MAX_WARM_S = env("BENCH_STEADY_MAX_SECONDS", 180);
    /** then this many windows are measured: the steady-state figure */
    static final int STEADY_MEASURE_WINDOWS = env("BENCH_STEADY_WINDOWS", 3);
    /** end to end: the clients wait while this many posted webhooks are not yet answered by the fake */
    static final int E2E_MAX_BACKLOG = env("BENCH_E2E_MAX_BACKLOG", 1000);
    /** worker alone: the backlog is topped up to this many stored jobs not yet called */
    static final int DRAIN_STEADY_BACKLOG = env("BENCH_DRAIN_BACKLOG", 1000);

    /** One reading: time, units done (jobs, or webhooks), webhooks posted, and [worker, database, driver] CPU ticks. */
    record Mark(long nanos, long units, long posted, long[] cpu) {
    }

    /**
     * The warm-up and the measurement of a phase whose load runs on its own meanwhile: reads
     * {@code meter} ({units, posted}) every window; the warm-up ends once two consecutive windows'
     * rates are within STEADY_TOLERANCE_PCT of each other, not before STEADY_MIN_WARM_S (the first
     * minute) nor after STEADY_MAX_WARM_S; then STEADY_MEASURE_WINDOWS windows are the steady state.
     * Puts {@code key_*} (steady) and {@code key_first_minute_*} figures, the warm-up's length,
     * whether it converged and every window's rate.
     */
    static void steadyState(Map<String, Object> r, String key, String unit, java.util.concurrent.Callable<long[]> meter,
                            Runnable onMeasureStart) throws Exception {
        List<Mark> marks = new ArrayList<>();
        long[] m0 = meter.call();
        long t0 = System.nanoTime();
        marks.add(new Mark(t0, m0[0], m0[1], cpuNow()));
        long window = TimeUnit.SECONDS.toNanos(STEADY_WINDOW_S);
        int minWarm = Math.max(2, (STEADY_MIN_WARM_S + STEADY_WINDOW_S - 1) / STEADY_WINDOW_S);
        int maxWarm = Math.max(minWarm, STEADY_MAX_WARM_S / STEADY_WINDOW_S);
        int firstMinute = Math.max(1, 60 / STEADY_WINDOW_S);
        int warmEnd = -1;
        boolean converged = false;
        List<Double> rates = new ArrayList<>();
        List<Double> cpus = new ArrayList<>();
        for (int i = 1; ; i++) {
            long wake = t0 + i * window;
            long sleep = wake - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            long[] m = meter.call();
            marks.add(new Mark(System.nanoTime(), m[0], m[1], cpuNow()));
            Mark a = marks.get(i - 1);
            Mark b = marks.get(i);
            double rate = (b.units() - a.units()) / ((b.nanos() - a.nanos()) / 1e9);
            rates.add(Math.round(rate * 10) / 10.0);
            log(String.format(Locale.ROOT, "%s window %d (%s): %.0f %s/s, worker %.2f ms per %s", key, i,
                    warmEnd < 0 ? "warm-up" : "measured", rate, unit, (b.cpu()[0] - a.cpu()[0]) * (1000.0 / CLK)
                            / Math.max(1, b.units() - a.units()), unit));
            double cpu = (b.cpu()[0] - a.cpu()[0]) / (double) Math.max(1, b.units() - a.units());
            cpus.add(cpu);
            if (warmEnd < 0) {
                // steady: the rate no longer rises and the worker's CPU per unit no longer falls, both
                // within the tolerance from one window to the next (on a shared machine the rate swings
                // with the neighbours' load; the CPU per unit is what the JIT's warm-up moves)
                double prev = i >= 2 ? rates.get(i - 2) : Double.NaN;
                double prevCpu = i >= 2 ? cpus.get(i - 2) : Double.NaN;
                double tol = STEADY_TOLERANCE_PCT / 100.0;
                boolean flat = i >= 2 && prev > 0 && rate <= prev * (1 + tol) && cpu >= prevCpu * (1 - tol);
                if ((i >= minWarm && flat) || i >= maxWarm) {
                    warmEnd = i;
                    converged = flat;
                    if (onMeasureStart != null) {
                        onMeasureStart.run();
                    }
                }
            } else if (i >= warmEnd + STEADY_MEASURE_WINDOWS) {
                break;
            }
        }
        putSpan(r, key, marks.get(warmEnd), marks.get(warmEnd + STEADY_MEASURE_WINDOWS));
        putSpan(r, key + "_first_minute", marks.get(0), marks.get(Math.min(firstMinute, marks.size() - 1)));
        r.put(key + "_warm_s", (marks.get(warmEnd).nanos() - t0) / 1e9);
        r.put(key + "_steady", converged);
        r.put(key + "_windows", rates.toString());
        log(String.format(Locale.ROOT, "%s: %s after %.0f s of warm-up; steady %.0f %s/s, first minute %.0f %s/s", key,
                converged ? "steady" : "not steady (capped at BENCH_STEADY_MAX_SECONDS)", d(r, key + "_warm_s"),
                d(r, key + "_rate"), unit, d(r, key + "_first_minute_rate"), unit));
    }

    static final long CLK = clockTicks();

    /** BENCH_IDLE_SECONDS (5): the worker's CPU while it has no job (timers, indexing, GC, JIT), read before a steady phase */
    static final int IDLE_SECONDS = env("BENCH_IDLE_SECONDS", 5);

    /**
     * The worker's CPU per second of wall time while idle, as {@code key_idle_cpu_ms_per_s}; the steady
     * state's worker CPU per job without it as {@code key_cpu_worker_net_ms} (put later by
     * {@link #putNet}): on a shared machine the rate falls and this fixed cost, spread over fewer
     * jobs, would read as CPU per job.
     */
    static void measureIdle(Map<String, Object> r, String key) throws Exception {
        long c0 = workerCpuTicks();
        long t0 = System.nanoTime();
        Thread.sleep(IDLE_SECONDS * 1000L);
        r.put(key + "_idle_cpu_ms_per_s", (workerCpuTicks() - c0) * (1000.0 / CLK) / ((System.nanoTime() - t0) / 1e9));
    }

    static void putNet(Map<String, Object> r, String key) {
        if (r.containsKey(key + "_idle_cpu_ms_per_s")) {
            double idle = d(r, key + "_idle_cpu_ms_per_s");
            for (String span : List.of("", "_first_minute")) {
                r.put(key + span + "_cpu_worker_net_ms", d(r, key + span + "_cpu_worker_ms") - idle / Math.max(1e-9, d(r, key + span + "_rate")));
            }
        }
    }

    /** The rate, the posting rate and the CPU per unit between two marks, as {@code key_rate}, {@code key_post_rate}, {@code key_cpu_*_ms}. */
    static void putSpan(Map<String, Object> r, String key, Mark a, Mark b) {
        double s = (b.nanos() - a.nanos()) / 1e9;
        long units = Math.max(1, b.units() - a.units());
        double tick = 1000.0 / CLK;
        r.put(key + "_rate", (b.units() - a.units()) / s);
        r.put(key + "_post_rate", (b.posted() - a.posted()) / s);
        r.put(key + "_cpu_worker_ms", (b.cpu()[0] - a.cpu()[0]) * tick / units);
        r.put(key + "_cpu_db_ms", (b.cpu()[1] - a.cpu()[1]) * tick / units);
        r.put(key + "_cpu_driver_ms", (b.cpu()[2] - a.cpu()[2]) * tick / units);
        r.put(key + "_seconds", s);
    }

    /** Jobs done and failed (all instances), one query. */
    static long[] doneAndFailed() throws Exception {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'failed') FROM ai_jobs")) {
            rs.next();
            if (rs.getLong(2) > 0) {
                throw new IllegalStateException(rs.getLong(2) + " jobs failed; see the worker log in " + TMP);
            }
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * End to end in steady state: INTAKE_CLIENTS post webhooks without pause (holding back only while
     * E2E_MAX_BACKLOG posted webhooks wait for their call), the worker answers them; jobs done per
     * second, webhooks posted per second with their p50/p99 (the measured windows), CPU per job split
     * three ways. Then the posting stops and every posted webhook must end done.
     */
    static void endToEndSteady(Map<String, Object> r, String key) throws Exception {
        fakeLatencyMs = 0;
        long done0 = doneAndFailed()[0];
        long calls0 = fakeCalls.get();
        AtomicLong posted = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        AtomicLong timedOut = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean measuring = new java.util.concurrent.atomic.AtomicBoolean();
        long[] lat = new long[4_000_000];
        AtomicInteger latN = new AtomicInteger();
        measureIdle(r, key);
        log(key + ": " + INTAKE_CLIENTS + " clients posting, the worker on, 0 ms fake, windows of " + STEADY_WINDOW_S + " s");
        ExecutorService pool = Executors.newFixedThreadPool(INTAKE_CLIENTS);
        for (int c = 0; c < INTAKE_CLIENTS; c++) {
            int client = c;
            pool.submit(() -> {
                int i = 0;
                while (!stop.get()) {
                    if (posted.get() - (fakeCalls.get() - calls0) >= E2E_MAX_BACKLOG) {
                        Thread.sleep(1);
                        continue;
                    }
                    long s = System.nanoTime();
                    int status = postWebhook(key + "-" + client + "-" + i++);
                    long took = System.nanoTime() - s;
                    posted.incrementAndGet();
                    if (status == 202) {
                        accepted.incrementAndGet();
                    } else if (status == -1) {
                        timedOut.incrementAndGet(); // no answer within the client's 30 s (a crowded machine): not counted as stored
                    } else {
                        failures.incrementAndGet();
                    }
                    if (measuring.get()) {
                        int k = latN.getAndIncrement();
                        if (k < lat.length) {
                            lat[k] = took;
                        }
                    }
                }
                return null;
            });
        }
        startProfile(key);
        try {
            steadyState(r, key, "job", () -> new long[] {doneAndFailed()[0] - done0, posted.get()}, () -> measuring.set(true));
        } finally {
            measuring.set(false);
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            stopProfile(key);
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(key + ": " + failures.get() + " webhooks not answered 202");
        }
        long[] sorted = Arrays.copyOf(lat, Math.min(latN.get(), lat.length));
        Arrays.sort(sorted);
        if (sorted.length > 0) {
            r.put(key + "_post_p50_ms", pct(sorted, 50));
            r.put(key + "_post_p99_ms", pct(sorted, 99));
        }
        r.put(key + "_posted", posted.get());
        putNet(r, key);
        r.put(key + "_post_timeouts", timedOut.get());
        if (timedOut.get() > 0) {
            log(key + ": " + timedOut.get() + " webhooks got no answer within 30 s (not counted; each one may still have been stored)");
        }
        waitDone((int) (done0 + accepted.get()), 300); // nothing lost: every webhook answered 202 ends done
    }

    /**
     * Worker alone in steady state: a backlog kept topped up (DRAIN_STEADY_BACKLOG stored jobs not
     * yet called, stored in transactions of 250) while the worker drains it, 0 ms
     * fake; jobs done per second and CPU per job. Then the top-ups stop and every stored job must end done.
     */
    static void drainSteady(Map<String, Object> r, String key) throws Exception {
        fakeLatencyMs = 0;
        long done0 = doneAndFailed()[0];
        long calls0 = fakeCalls.get();
        AtomicLong stored = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        measureIdle(r, key);
        log(key + ": a stored backlog of " + DRAIN_STEADY_BACKLOG + " jobs kept topped up, 0 ms fake, windows of " + STEADY_WINDOW_S + " s");
        Thread feeder = new Thread(() -> {
            int batch = 0;
            try {
                while (!stop.get()) {
                    if (stored.get() - (fakeCalls.get() - calls0) < DRAIN_STEADY_BACKLOG) {
                        storeBacklog(key + "-" + batch++, 250);
                        stored.addAndGet(250);
                    } else {
                        Thread.sleep(20);
                    }
                }
            } catch (Exception e) {
                failed.set(e);
            }
        }, "bench-feeder");
        feeder.start();
        startProfile(key);
        try {
            steadyState(r, key, "job", () -> {
                if (failed.get() != null) {
                    throw failed.get();
                }
                return new long[] {doneAndFailed()[0] - done0, stored.get()};
            }, null);
        } finally {
            stop.set(true);
            feeder.join(60_000);
            stopProfile(key);
        }
        r.put(key + "_stored", stored.get());
        putNet(r, key);
        waitDone((int) (done0 + stored.get()), 300);
    }

    // ------------------------------------------------------------------ the new stages (round 5)

    static final int STAGE_JOBS = env("BENCH_STAGE_JOBS", 1000);
    static final int RETRIEVAL_DOCUMENTS = env("BENCH_RETRIEVAL_DOCUMENTS", 1000);
    static final String ADMIN_PASSWORD = "bench-admin-" + runId;

    /**
     * The worker once more, with delivery on (the fake gateway, wuzapi's dialect, no pause between
     * parts), word search only and the admin API open to the bench: each stage drains STAGE_JOBS
     * stored jobs from the commit to the last reply recorded sent, with its CPU per job, beside the
     * same jobs answered plainly in the same start (stage_plain).
     */
    static void stagePhases(Map<String, Object> r, int fakePort) throws Exception {
        log("restarting for the stage phases: delivery to the fake gateway, word search only");
        extraEnv.put("WHATSAPP_GATEWAY_URL", "http://127.0.0.1:" + fakePort);
        extraEnv.put("WHATSAPP_GATEWAY_TYPE", "wuzapi");
        extraEnv.put("AI_WORKER_AGENT_PART_PAUSE_MS", "0");
        extraEnv.put("AI_WORKER_AGENT_PARTPAUSEMS", "0");
        extraEnv.put("AI_WORKER_KNOWLEDGE_EMBEDDING_MODEL", "");
        extraEnv.put("AI_WORKER_KNOWLEDGE_EMBEDDINGMODEL", "");
        extraEnv.put("AI_WORKER_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // a database of its own: the earlier runs' replies were stored with delivery off and would all go out now
        Launch recommended = Launch.recommended();
        r.put("ready_stages_s", startWorker(fakePort, true, CONCURRENCY, "worker-stages.log",
                new Launch(recommended.jar(), recommended.jvmOptions(), "pgdata-stages")));
        try {
            // a warm-up, unmeasured, then the same job answered plainly (a structured reply, one part)
            stageDrain(r, null, "reply", "Halo, jam buka toko hari ini sampai jam berapa?", false);
            analyze("messages", "ai_jobs", "reply_parts", "chat_handoffs");
            stageDrain(r, "stage_plain", "reply", "Halo, jam buka toko hari ini sampai jam berapa?", false);
            if (PHASES.contains("split")) {
                stageDrain(r, "stage_split", "long", "Tolong jelaskan semua syarat pengiriman dan pengembalian barang.", false);
            }
            if (PHASES.contains("handover")) {
                stageDrain(r, "stage_handover", "handover", "Saya mau bicara dengan orang, bukan robot.", true);
            }
            if (PHASES.contains("retrieval")) {
                postDocuments(r);
                stageDrain(r, "stage_retrieval", "reply", null, false);
            }
        } finally {
            fakeAnswer = "text";
            stopWorker();
            extraEnv.clear();
        }
    }

    /**
     * STAGE_JOBS jobs stored at once (the question {@code text}, or for retrieval one naming a
     * document's product), the fake answering {@code answer}; every reply must end sent. A
     * hand-over takes its chat from the AI, so those jobs each get a chat of their own.
     */
    static void stageDrain(Map<String, Object> r, String key, String answer, String text, boolean ownChats) throws Exception {
        fakeAnswer = answer;
        long lastIdBefore = lastMessageId();
        long gw0 = gatewayCalls.get();
        int n = key == null ? Math.max(100, STAGE_JOBS / 4) : STAGE_JOBS;
        log((key == null ? "stage warm-up" : key) + ": " + n + " stored jobs, the fake answering '" + answer + "', delivery on");
        if (key != null) {
            startProfile(key);
        }
        long[] shares0 = cpuNow();
        String tag = (key == null ? "stagewarm" : key) + "-" + runId;
        String question = text != null ? "'" + text.replace("'", "''") + " [' || g || ']'"
                : "'Berapa harga dan garansi produk ' || bench_word(g % " + RETRIEVAL_DOCUMENTS + ") || ' ini? [' || g || ']'";
        String chat = ownChats ? "'62899' || lpad((g + %1$d)::text, 8, '0') || '@s.whatsapp.net'".formatted(stageChats)
                : "'62811' || lpad((g % 200)::text, 8, '0') || '@s.whatsapp.net'";
        stageChats += n;
        long t0;
        try (Connection c = db(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("""
                    WITH m AS (
                        INSERT INTO messages (instance, chat, direction, gateway_message_id, sender, push_name, body)
                        SELECT '%1$s', %2$s, 'in', '%3$s-' || g, %2$s, 'Bench', %4$s
                          FROM generate_series(1, %5$d) g
                        RETURNING id, instance, chat, sender, push_name, body)
                    INSERT INTO ai_jobs (message_id, instance, chat, input_json)
                    SELECT id, instance, chat, jsonb_build_object('instance', instance, 'chat', chat, 'sender', sender,
                                                                  'push_name', push_name, 'text', body)
                      FROM m""".formatted(INSTANCE, chat, tag, question, n));
            t0 = System.nanoTime();
            c.commit();
        }
        long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
        // every 20 ms on one connection, reading only this phase's rows: a new connection and two
        // whole-table counts per poll were the database's CPU that the phase charges to the jobs
        // (round 5, step 9)
        try (Connection c = db(); PreparedStatement progress = c.prepareStatement("""
                SELECT (SELECT count(*) FROM messages WHERE id > ? AND direction = 'out' AND delivery_status = 'sent'),
                       (SELECT count(*) FROM ai_jobs WHERE status = 'failed')""")) {
            progress.setLong(1, lastIdBefore);
            while (true) {
                try (ResultSet rs = progress.executeQuery()) {
                    rs.next();
                    if (rs.getLong(2) > 0) {
                        throw new IllegalStateException(rs.getLong(2) + " jobs failed; see the worker log in " + TMP);
                    }
                    if (rs.getLong(1) >= n) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(tag + ": replies not sent in 300 s");
                }
                Thread.sleep(20);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (key == null) {
            return;
        }
        stopProfile(key);
        r.put(key + "_jobs_s", n / seconds);
        r.put(key + "_gateway_posts_per_job", (gatewayCalls.get() - gw0) / (double) n);
        cpuShares(r, key, shares0, n);
    }

    static int stageChats = 0;

    /** ANALYZE of the named tables (a new database's plans are made for empty tables: DESIGN.md's traps) */
    static void analyze(String... tables) throws Exception {
        try (Connection c = db(); Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute("ANALYZE " + t);
            }
        }
    }

    /** The newest message's id (0 in an empty table): a phase's rows are those after it. */
    static long lastMessageId() throws Exception {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COALESCE(max(id), 0) FROM messages")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * RETRIEVAL_DOCUMENTS documents posted through the knowledge API (each about a product of its
     * own, named by a made-up word: the retrieval phase's questions name one), then waited for
     * until all are indexed into passages.
     */
    static void postDocuments(Map<String, Object> r) throws Exception {
        try (Connection c = db(); Statement s = c.createStatement()) {
            // the product word of document k: letters from k's digits, so no stemmer or stop list takes it
            s.execute("""
                    CREATE OR REPLACE FUNCTION bench_word(k int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                      SELECT 'zq' || translate(lpad(k::text, 4, '0'), '0123456789', 'bcdfghjklm') || 'x' $$""");
        }
        log("retrieval: " + RETRIEVAL_DOCUMENTS + " documents posted through POST /api/documents");
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        for (int k = 0; k < RETRIEVAL_DOCUMENTS; k++) {
            String word = "zq" + translateDigits(String.format("%04d", k)) + "x";
            String content = ("Produk " + word + " adalah pilihan populer di toko kami. Harga produk " + word + " adalah Rp " + (10000 + k * 500)
                    + ".\\n\\nGaransi " + word + " berlaku 12 bulan sejak tanggal pembelian. Klaim garansi dengan nota pembelian di toko mana pun."
                    + "\\n\\nPengiriman " + word + " ke seluruh Indonesia dalam 2 sampai 5 hari kerja. Pengembalian barang dalam 7 hari bila kemasan masih utuh."
                    + "\\n\\nCara merawat " + word + ": simpan di tempat kering, jauh dari sinar matahari langsung, bersihkan dengan kain lembut.");
            String body = "{\"instance\":\"" + INSTANCE + "\",\"title\":\"Produk " + word + "\",\"content\":\"" + content + "\"}";
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/api/documents"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() / 100 != 2) {
                throw new IllegalStateException("POST /api/documents answered " + res.statusCode() + ": " + res.body());
            }
        }
        r.put("retrieval_post_s", (System.nanoTime() - t0) / 1e9);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        try (Connection c = db(); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE index_status = 'pending'), "
                        + "(SELECT count(*) FROM knowledge_passages) FROM documents")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        r.put("retrieval_passages", rs.getLong(2));
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("retrieval: documents not indexed in 600 s");
                }
                Thread.sleep(200);
            }
        }
        r.put("retrieval_indexed_s", (System.nanoTime() - t0) / 1e9);
        analyze("documents", "knowledge_passages");
        Thread.sleep(2000); // the workers' passage cache refreshes (knowledge.cache-refresh-ms)
        log(String.format(Locale.ROOT, "retrieval: %s passages indexed after %.1f s", r.get("retrieval_passages"), d(r, "retrieval_indexed_s")));
    }

    static String translateDigits(String digits) {
        StringBuilder b = new StringBuilder();
        for (char ch : digits.toCharArray()) {
            b.append("bcdfghjklm".charAt(ch - '0'));
        }
        return b.toString();
    }

    /** extra environment of the next startWorker (the stage phases') */
    static final Map<String, String> extraEnv = new LinkedHashMap<>();
    /** what the fake answers: text (plain, as before round 5), reply (a structured reply), long (a structured reply of several parts), handover */
    static volatile String fakeAnswer = "text";
    static final AtomicLong gatewayCalls = new AtomicLong();

    static final String LONG_REPLY = String.join("\\n\\n", java.util.Collections.nCopies(14,
            "Pengiriman ke seluruh Indonesia memakai kurir reguler atau ekspres; ongkos kirim dihitung dari berat dan tujuan. "
                    + "Barang dikemas rapi dengan bubble wrap dan kardus tebal. Nomor resi dikirim lewat WhatsApp setelah paket diserahkan ke kurir. "
                    + "Pengembalian barang diterima dalam 7 hari bila kemasan masih utuh dan nota disertakan."));

    /** the fake's chat-completions content for the current answer mode, a JSON string's inside */
    static String fakeContent() {
        return switch (fakeAnswer) {
            case "reply" -> "{\\\"action\\\":\\\"reply\\\",\\\"reply\\\":\\\"Toko buka setiap hari jam 9 pagi sampai jam 9 malam.\\\","
                    + "\\\"handover_reason\\\":\\\"none\\\",\\\"handover_note\\\":\\\"\\\"}";
            case "long" -> "{\\\"action\\\":\\\"reply\\\",\\\"reply\\\":\\\"" + LONG_REPLY.replace("\\n", "\\\\n") + "\\\","
                    + "\\\"handover_reason\\\":\\\"none\\\",\\\"handover_note\\\":\\\"\\\"}";
            case "handover" -> "{\\\"action\\\":\\\"handover\\\",\\\"reply\\\":\\\"\\\",\\\"handover_reason\\\":\\\"customer_request\\\","
                    + "\\\"handover_note\\\":\\\"The customer asks for a person.\\\"}";
            default -> "Toko buka setiap hari jam 9 pagi sampai jam 9 malam.";
        };
    }

    // ------------------------------------------------------------------ report

    static void report(Map<String, Object> r) {
        double insertTps = d(r, "pgbench_insert_tps");
        double claimTps = d(r, "pgbench_claim_tps");
        double intakeRatio = d(r, "intake_rps") / insertTps;
        double e2eRatio = d(r, "e2e_jobs_s") / claimTps;
        r.put("intake_ratio", intakeRatio);
        r.put("e2e_ratio", e2eRatio);
        List<String[]> rows = new ArrayList<>();
        rows.add(row("intake (worker off, " + INTAKE_CLIENTS + " connections, " + r.getOrDefault("intake_client", "JDK client") + ")", f(d(r, "intake_rps")) + " req/s",
                pctOf(intakeRatio) + " of pgbench insert " + f(insertTps) + " tps",
                ">= 25%, p99 < 20 ms", verdict(intakeRatio >= 0.25 && d(r, "intake_p99_ms") < 20)));
        rows.add(row("intake latency p50 / p99", f2(d(r, "intake_p50_ms")) + " / " + f2(d(r, "intake_p99_ms")) + " ms", "", "", ""));
        if (STEADY && r.containsKey("e2e_rate")) {
            for (String span : List.of("", "_first_minute")) {
                String name = span.isEmpty() ? "steady state (" + steadyNote(r, "e2e") + ")" : "first minute";
                double jobs = d(r, "e2e" + span + "_rate");
                double posts = d(r, "e2e" + span + "_post_rate");
                rows.add(row("end to end, " + name, f(jobs) + " jobs/s",
                        pctOf(jobs / claimTps) + " of pgbench claim+complete " + f(claimTps) + " tps", ">= 30%",
                        verdict(jobs / claimTps >= 0.30)));
                boolean p99 = span.isEmpty() && r.containsKey("e2e_post_p99_ms");
                rows.add(row("  webhooks with the worker running, " + INTAKE_CLIENTS + " JDK clients", f(posts) + " req/s"
                                + (p99 ? ", p50 / p99 " + f2(d(r, "e2e_post_p50_ms")) + " / " + f2(d(r, "e2e_post_p99_ms")) + " ms" : ""),
                        pctOf(posts / insertTps) + " of pgbench insert " + f(insertTps) + " tps", span.isEmpty() ? ">= 25%, p99 < 20 ms" : ">= 25%",
                        verdict(posts / insertTps >= 0.25 && (!span.isEmpty() || d(r, "e2e_post_p99_ms") < 20))));
                rows.add(row("  CPU per job: worker / database / client + fake", cpuRow(r, "e2e" + span),
                        cpuBound(r, "e2e" + span) + " jobs/s at most on " + Runtime.getRuntime().availableProcessors() + " cores; worker without its idle "
                                + f3(r, "e2e_idle_cpu_ms_per_s") + " ms/s: " + f3(r, "e2e" + span + "_cpu_worker_net_ms") + " ms",
                        "worker <= 1.0 ms", verdict(d(r, "e2e" + span + "_cpu_worker_ms") <= 1.0)));
            }
        } else {
            rows.add(row("end to end (0 ms fake)", f(d(r, "e2e_jobs_s")) + " jobs/s",
                    pctOf(e2eRatio) + " of pgbench claim+complete " + f(claimTps) + " tps", ">= 30%", verdict(e2eRatio >= 0.30)));
        }
        rows.add(row("pickup, idle (insert -> claim) p50 / p99", f2(d(r, "pickup_p50_ms")) + " / " + f2(d(r, "pickup_p99_ms")) + " ms",
                "202 -> fake request p50 " + f2(d(r, "webhook_to_call_p50_ms")) + " ms", "p50 <= 5 ms", verdict(d(r, "pickup_p50_ms") <= 5)));
        rows.add(row("in flight, java -jar (" + INFLIGHT_CONCURRENCY + " x " + INFLIGHT_LATENCY_MS + " ms fake, " + INFLIGHT_JOBS + " jobs)",
                f(d(r, "inflight_jobs_s")) + " jobs/s", f(d(r, "inflight_pct")) + "% of ideal " + f(d(r, "inflight_ideal_jobs_s")) + " jobs/s",
                ">= 90%", verdict(d(r, "inflight_pct") >= 90)));
        double peer = r.containsKey("peer_jobs_s") ? d(r, "peer_jobs_s") : Double.NaN;
        double drainRatio = d(r, "drain_jobs_s") / peer;
        r.put("drain_ratio", drainRatio);
        if (STEADY && r.containsKey("drain_rate")) {
            for (String span : List.of("", "_first_minute")) {
                double ours = d(r, "drain" + span + "_rate");
                double theirs = r.containsKey("peer" + span + "_jobs_s") ? d(r, "peer" + span + "_jobs_s") : Double.NaN;
                rows.add(row("worker alone, " + (span.isEmpty() ? "steady state (" + steadyNote(r, "drain") + ")" : "first minute")
                                + ", a stored backlog kept topped up, 0 ms fake", f(ours) + " jobs/s",
                        Double.isNaN(theirs) ? "peer skipped" : String.format(Locale.ROOT, "%.2fx graphile-worker 0.16.6 (concurrency %d) %s jobs/s%s",
                                ours / theirs, PEER_CONCURRENCY, f(theirs), span.isEmpty() ? " (" + steadyNote(r, "peer") + ")" : ""),
                        ">= 1.0x", Double.isNaN(theirs) ? "-" : verdict(ours / theirs >= 1.0)));
                rows.add(row("  CPU per job: worker / database / driver + fake", cpuRow(r, "drain" + span),
                        "the peer's node: " + f3(r, span.isEmpty() ? "peer_cpu_ms_per_job" : "peer_first_minute_cpu_ms_per_job")
                                + " ms; " + cpuBound(r, "drain" + span) + " jobs/s at most; worker without its idle "
                                + f3(r, "drain_idle_cpu_ms_per_s") + " ms/s: " + f3(r, "drain" + span + "_cpu_worker_net_ms") + " ms", "", ""));
            }
        } else {
            rows.add(row("worker alone (" + DRAIN_JOBS + " stored jobs drained, 0 ms fake)", f(d(r, "drain_jobs_s")) + " jobs/s",
                    Double.isNaN(peer) ? "peer skipped" : String.format(Locale.ROOT, "%.2fx graphile-worker 0.16.6 (concurrency %d) %s jobs/s",
                            drainRatio, PEER_CONCURRENCY, f(peer)), ">= 1.0x", Double.isNaN(peer) ? "-" : verdict(drainRatio >= 1.0)));
            rows.add(row("  CPU per job: worker / peer / fake per call", f2(d(r, "drain_cpu_ms_per_job")) + " ms",
                    (Double.isNaN(peer) ? "-" : f2(d(r, "peer_cpu_ms_per_job"))) + " ms / " + String.format(Locale.ROOT, "%.2f", d(r, "drain_fake_cpu_ms_per_call"))
                            + " ms (fake + driver JVM)", "", ""));
        }
        rows.add(row("  same, packed jar, java -jar, JAVA_TOOL_OPTIONS, 64 slots", f(d(r, "drain_packed_jobs_s")) + " jobs/s",
                Double.isNaN(peer) ? "" : String.format(Locale.ROOT, "%.2fx the peer; CPU %s ms per job", d(r, "drain_packed_jobs_s") / peer,
                        f2(d(r, "drain_packed_cpu_ms_per_job"))), "", ""));
        boolean slowPass = d(r, "slow_inflight_peak") >= 500 && d(r, "slow_pct") >= 90 && d(r, "slow_rss_mb") <= 400;
        rows.add(row("slow model (" + SLOW_JOBS + " jobs, " + SLOW_LATENCY_MS + " ms fake, " + r.get("slow_concurrency") + " slots)",
                f(d(r, "slow_jobs_s")) + " jobs/s", f(d(r, "slow_pct")) + "% of ideal " + f(d(r, "slow_ideal_jobs_s"))
                        + " jobs/s; calls in flight peak " + r.get("slow_inflight_peak") + ", avg " + f(d(r, "slow_inflight_avg"))
                        + "; RSS " + f(d(r, "slow_rss_mb")) + " MB", ">= 500 in flight, >= 90%, <= 400 MB", verdict(slowPass)));
        if (r.containsKey("intake_cpu_worker_ms")) {
            rows.add(row("  CPU per webhook: worker / database / client", cpuRow(r, "intake"),
                    cpuBound(r, "intake") + " req/s at most on " + Runtime.getRuntime().availableProcessors()
                            + " cores; the baseline's database: " + f3(r, "pgbench_insert_cpu_db_ms") + " ms per insert", "", ""));
        }
        if (!STEADY && r.containsKey("e2e_cpu_worker_ms")) {
            rows.add(row("  CPU per job, end to end: worker / database / client + fake", cpuRow(r, "e2e"),
                    cpuBound(r, "e2e") + " jobs/s at most; the baseline's database: " + f3(r, "pgbench_claim_cpu_db_ms")
                            + " ms per claim+complete", "", ""));
        }
        if (!STEADY && r.containsKey("drain_cpu_worker_ms")) {
            rows.add(row("  CPU per job, worker alone: worker / database / fake", cpuRow(r, "drain"),
                    cpuBound(r, "drain") + " jobs/s at most; the peer: " + f3(r, "peer_cpu_ms_per_job") + " / "
                            + f3(r, "peer_cpu_db_ms") + " ms (its run, warm-up included)", "", ""));
        }
        for (String stage : List.of("plain", "split", "handover", "retrieval")) {
            String key = "stage_" + stage;
            if (r.containsKey(key + "_jobs_s")) {
                String what = switch (stage) {
                    case "plain" -> "stage run, plain (a structured reply, one part, delivered)";
                    case "split" -> "  reply splitting (a long answer, " + f2(d(r, key + "_gateway_posts_per_job")) + " parts each)";
                    case "handover" -> "  hand-over (the model's structured hand-over, the chat to humans)";
                    default -> "  retrieval (" + RETRIEVAL_DOCUMENTS + " documents, " + r.get("retrieval_passages") + " passages, word search)";
                };
                rows.add(row(what + ", " + STAGE_JOBS + " stored jobs", f(d(r, key + "_jobs_s")) + " jobs/s",
                        "CPU per job worker / database / driver: " + cpuRow(r, key)
                                + (stage.equals("plain") ? "" : "; plain: " + f3(r, "stage_plain_cpu_worker_ms") + " ms"), "", ""));
            }
        }
        rows.add(row("CPU per job (worker JVM, end to end, intake included)", f2(d(r, "cpu_ms_per_job")) + " ms",
                STEADY ? "steady state; first minute " + f3(r, "e2e_first_minute_cpu_worker_ms") + " ms" : "", "<= 1.0 ms",
                verdict(d(r, "cpu_ms_per_job") <= 1.0)));
        rows.add(row("peak RSS (VmHWM, worker JVM)", f(d(r, "rss_peak_mb")) + " MB", "recommended options, whole run", "<= 400 MB",
                verdict(d(r, "rss_peak_mb") <= 400)));
        rows.add(row("peak RSS, java -jar, JAVA_TOOL_OPTIONS", f(d(r, "rss_packed_mb")) + " MB",
                "packed jar, the recommended options in JAVA_TOOL_OPTIONS, after a drain and in flight", "<= 400 MB",
                verdict(d(r, "rss_packed_mb") <= 400)));
        rows.add(row("time to ready (restart)", f2(d(r, "ready_s")) + " s", "first start, new database: " + f2(d(r, "ready_cold_s")) + " s",
                "<= 8 s", verdict(d(r, "ready_s") <= 8)));
        rows.add(row("time to ready, packed jar (restart)", f2(d(r, "ready_packed_s")) + " s",
                "java -jar of the packed jar, JAVA_TOOL_OPTIONS, no class-data archive", "", ""));
        String[] head = {"figure", "value", "baseline / note", "target", "result"};
        int[] w = new int[head.length];
        for (String[] row : rows) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], Math.max(head[i].length(), row[i].length()));
            }
        }
        StringBuilder t = new StringBuilder();
        t.append(line(head, w)).append(line(dashes(w), w));
        rows.forEach(row -> t.append(line(row, w)));
        System.out.println();
        System.out.println("clivy-ai-worker benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, database " + (DB_HOST.isEmpty() ? "embedded PostgreSQL (one the worker started)" : DB_HOST));
        System.out.print(t);
        StringBuilder json = new StringBuilder(json(r));
        json.setLength(json.length() - 1);
        json.append(",\"pass\":{\"intake\":").append(intakeRatio >= 0.25 && d(r, "intake_p99_ms") < 20)
                .append(",\"e2e\":").append(e2eRatio >= 0.30)
                .append(",\"webhooks_worker_on\":").append(r.containsKey("e2e_post_rate") && d(r, "e2e_post_rate") / insertTps >= 0.25
                        && r.containsKey("e2e_post_p99_ms") && d(r, "e2e_post_p99_ms") < 20)
                .append(",\"pickup\":").append(d(r, "pickup_p50_ms") <= 5)
                .append(",\"inflight\":").append(d(r, "inflight_pct") >= 90)
                .append(",\"cpu\":").append(d(r, "cpu_ms_per_job") <= 1.0)
                .append(",\"rss\":").append(d(r, "rss_peak_mb") <= 400 && d(r, "rss_packed_mb") <= 400)
                .append(",\"drain\":").append(drainRatio >= 1.0)
                .append(",\"slow\":").append(slowPass)
                .append(",\"ready\":").append(d(r, "ready_s") <= 8).append("}}");
        System.out.println("BENCH_JSON " + json);
    }

    /** The figures as one JSON object (doubles to 3 places). */
    static String json(Map<String, Object> r) {
        StringBuilder json = new StringBuilder("{\"date\":\"" + Instant.now() + "\",\"cores\":"
                + Runtime.getRuntime().availableProcessors());
        r.forEach((k, v) -> json.append(",\"").append(k).append("\":").append(v instanceof Double x
                ? (x.isNaN() || x.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", x))
                : v instanceof String text ? "\"" + text + "\"" : v));
        return json.append("}").toString();
    }

    /** "steady after 70 s" or "not steady in 180 s", from a phase's warm-up fields */
    static String steadyNote(Map<String, Object> r, String key) {
        if (!r.containsKey(key + "_warm_s")) {
            return "no warm-up rule";
        }
        return (Boolean.TRUE.equals(r.get(key + "_steady")) ? "steady after " : "not steady, capped at ") + f(d(r, key + "_warm_s")) + " s";
    }

    static String cpuRow(Map<String, Object> r, String key) {
        return f3(r, key + "_cpu_worker_ms") + " / " + f3(r, key + "_cpu_db_ms") + " / " + f3(r, key + "_cpu_driver_ms") + " ms";
    }

    /** The rate the three processes' CPU per unit allows on this machine's cores, were nothing else running. */
    static String cpuBound(Map<String, Object> r, String key) {
        double perUnit = d(r, key + "_cpu_worker_ms") + d(r, key + "_cpu_db_ms") + d(r, key + "_cpu_driver_ms");
        return f(Runtime.getRuntime().availableProcessors() * 1000.0 / perUnit);
    }

    static String f3(Map<String, Object> r, String key) {
        return r.containsKey(key) ? String.format(Locale.ROOT, "%.2f", d(r, key)) : "-";
    }

    static String[] row(String... cells) {
        return cells;
    }

    static String[] dashes(int[] w) {
        String[] d = new String[w.length];
        for (int i = 0; i < w.length; i++) {
            d[i] = "-".repeat(w[i]);
        }
        return d;
    }

    static String line(String[] cells, int[] w) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            b.append(' ').append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(" |");
        }
        return b.append('\n').toString();
    }

    static String verdict(boolean pass) {
        return pass ? "PASS" : "FAIL";
    }

    static String pctOf(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    static String f(double x) {
        return String.format(Locale.ROOT, "%.0f", x);
    }

    static String f2(double x) {
        return String.format(Locale.ROOT, "%.1f", x);
    }

    static double d(Map<String, Object> r, String k) {
        return ((Number) r.get(k)).doubleValue();
    }

    static double pct(long[] sortedNanos, int p) {
        int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, i)] / 1e6;
    }

    static double pct(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, i)];
    }

    // ------------------------------------------------------------------ worker process

    /** Starts the jar and returns seconds until readiness is 200 and a first webhook got 202. */
    static double startWorker(int fakePort, boolean workerOn, int concurrency, String logName, Launch launch) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(WORKER_JAVA));
        // the recommended JVM options (docs/deployment.md; the Dockerfile, the Kubernetes manifest and spring-boot:run use them)
        String opts = System.getenv().getOrDefault("BENCH_WORKER_JAVA_OPTS", "-Xmx144m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        if (!opts.isBlank() && launch.recommendedOptions()) {
            cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        cmd.addAll(launch.jvmOptions());
        cmd.addAll(List.of("-jar", launch.jar()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(TMP.resolve(logName).toFile());
        Map<String, String> e = pb.environment();
        e.remove("JDK_JAVA_OPTIONS");
        e.remove("JAVA_TOOL_OPTIONS");
        if (!opts.isBlank() && launch.toolOptions()) {
            e.put("JAVA_TOOL_OPTIONS", opts.trim());
        }
        e.put("PORT", String.valueOf(workerPort));
        // readiness polled on the webhook's port: the management connector is the same one here
        e.put("MANAGEMENT_PORT", String.valueOf(workerPort));
        e.put("SERVER_ADDRESS", "127.0.0.1");
        e.put("AI_TIMEOUT_MS", "30000");
        e.put("OPENROUTER_BASE_URL", "http://127.0.0.1:" + fakePort);
        e.put("OPENROUTER_API_KEY", "bench-key");
        e.put("AI_WORKER_ENABLED", String.valueOf(workerOn));
        if (concurrency > 0) {
            e.put("AI_WORKER_CONCURRENCY", String.valueOf(concurrency));
        }
        e.put("AI_WORKER_NODE_ID", "bench");
        // the bench posts from this host far faster than the default limit per client allows
        e.put("WEBHOOK_RATE_LIMIT_PER_MINUTE", "0");
        // the reference card's mode: each message answered at once (no chat-level quiet period)
        e.put("AI_WORKER_CONVERSATION_QUIET_MS", System.getenv().getOrDefault("BENCH_QUIET_MS", "0"));
        e.put("AI_WORKER_CREDITS_ALERT_URL", "");
        // the fake charges 0.0004 USD a call: a full run's 50,000 calls would meet the default 20 USD
        // global daily cap, after which jobs fail with class budget, as they should in production
        e.put("AI_WORKER_GLOBAL_DAILY_SPEND_CAP_USD", "0");
        e.putAll(extraEnv);
        if (DB_HOST.isEmpty()) {
            e.put("AI_WORKER_DATA_DIR", TMP.resolve(launch.dataDir()).toString());
            e.put("AI_WORKER_EMBEDDED_DB_PORT", String.valueOf(dbPort));
        }
        dataDir = launch.dataDir();
        long t0 = System.nanoTime();
        worker = pb.start();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_S);
        boolean ready = false;
        while (System.nanoTime() < deadline && worker.isAlive()) {
            try {
                HttpResponse<Void> res = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (res.statusCode() == 200) {
                    ready = true;
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(25);
        }
        if (!ready) {
            throw new IllegalStateException("the worker did not get ready in " + READY_TIMEOUT_S + " s (log: " + TMP.resolve(logName) + ")\n"
                    + tail(TMP.resolve(logName)));
        }
        int status = postWebhook("ready-" + logName + "-" + runId);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (status != 202) {
            throw new IllegalStateException("the first webhook answered " + status);
        }
        log(String.format(Locale.ROOT, "ready in %.2f s (pid %d)", seconds, worker.pid()));
        return seconds;
    }

    /**
     * BENCH_PROFILE=1: a JFR recording of the worker over the end-to-end phase, written to e2e.jfr in
     * the temp folder (keep it with BENCH_KEEP=1; read it with {@code jfr print} or JDK Mission Control).
     */
    static void startProfile(String phase) throws Exception {
        if (profiled(phase)) {
            profile("JFR.start", "name=" + phase, "settings=profile", "jdk.ExecutionSample#period=2ms");
        }
    }

    static void stopProfile(String phase) throws Exception {
        if (profiled(phase)) {
            profile("JFR.stop", "name=" + phase, "filename=" + TMP.resolve(phase + ".jfr"));
        }
    }

    /** BENCH_PROFILE=1 is the end-to-end phase; or a list of phases: intake,e2e,drain,drain_packed */
    static boolean profiled(String phase) {
        String want = System.getenv().getOrDefault("BENCH_PROFILE", "");
        return ("1".equals(want) && "e2e".equals(phase)) || Arrays.asList(want.split(",")).contains(phase);
    }

    static void profile(String... jcmdArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("jcmd", String.valueOf(worker.pid())));
        cmd.addAll(Arrays.asList(jcmdArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            log("profile: " + String.join(" ", cmd) + " failed");
        }
    }

    static void stopWorker() {
        Process p = worker;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM: graceful shutdown, then the embedded database stops
        try {
            if (!p.waitFor(45, TimeUnit.SECONDS)) {
                System.err.println("bench: worker did not stop in 45 s, killing it");
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    }

    /**
     * The embedded database's CPU (ticks): its postmaster's own and its ended children's, plus its
     * live children's (the backends); 0 on a DB_HOST server, whose processes are not ours to read.
     */
    static long databaseTicks() throws IOException {
        Path pidFile = TMP.resolve(dataDir).resolve("postmaster.pid");
        if (!DB_HOST.isEmpty() || !Files.exists(pidFile)) {
            return 0;
        }
        long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(d -> d.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(proc.getFileName().toString());
                    if (pid == postmaster) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                    } else if (Long.parseLong(f[1]) == postmaster) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return ticks;
    }

    /** CPU ms per unit since {@code [worker, database, driver]} ticks were read: the same three now. */
    static void cpuShares(Map<String, Object> r, String key, long[] at, int units) throws IOException {
        double tick = 1000.0 / clockTicks();
        r.put(key + "_cpu_worker_ms", (workerCpuTicks() - at[0]) * tick / units);
        r.put(key + "_cpu_db_ms", (databaseTicks() - at[1]) * tick / units);
        r.put(key + "_cpu_driver_ms", (driverTicks() - at[2]) * tick / units);
    }

    static long[] cpuNow() throws IOException {
        return new long[] {workerCpuTicks(), databaseTicks(), driverTicks()};
    }

    /** This JVM's CPU and its ended children's (wrk, once it exited and was waited for). */
    static long driverTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }

    /** CPU of the worker process. */
    static long workerCpuTicks() throws IOException {
        return cpuTicks(worker.pid());
    }

    static double peakRssMb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    // ------------------------------------------------------------------ HTTP, database

    static String base() {
        return "http://127.0.0.1:" + workerPort;
    }

    static int postWebhook(String messageId) {
        int i = messageSeq.incrementAndGet();
        String chat = "62812" + String.format("%07d", i % CHATS) + "@s.whatsapp.net";
        String body = """
                {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"%s","Sender":"%s","PushName":"Bench"},\
                "Message":{"extendedTextMessage":{"text":"Halo, jam buka toko hari ini sampai jam berapa? [%s]"}}}}"""
                .formatted(INSTANCE, messageId + "-" + runId, chat, messageId);
        try {
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/webhook/ai"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return res.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String dbHost() {
        return DB_HOST.isEmpty() ? "127.0.0.1" : DB_HOST;
    }

    static Connection db() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + dbHost() + ":" + dbPort + "/" + dbName, dbUser, dbPassword);
    }

    static int countDone() throws Exception {
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM ai_jobs WHERE status = 'done'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Polls every 10 ms until no job is pending or processing, then checks that {@code target} jobs
     * are done; fails after {@code seconds} or when a job failed. Each poll reads only the jobs
     * still open, not the table: counting every done job every 2 ms read the whole table 500 times
     * a second, on the database's CPU that the phase charges to the jobs (round 5, step 9).
     */
    static void waitDone(int target, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (Connection c = db(); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM ai_jobs WHERE status = 'pending'), "
                        + "(SELECT count(*) FROM ai_jobs WHERE status = 'processing'), "
                        + "(SELECT count(*) FROM ai_jobs WHERE status = 'failed')")) {
                    rs.next();
                    if (rs.getInt(3) > 0) {
                        throw new IllegalStateException(rs.getInt(3) + " jobs failed; see the worker log in " + TMP);
                    }
                    if (rs.getInt(1) + rs.getInt(2) == 0) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("jobs not done in " + seconds + " s (want " + target + ")");
                }
                Thread.sleep(10);
            }
        }
        int done = countDone();
        if (done < target) {
            throw new IllegalStateException("no job open, but " + done + " done (want " + target + ")");
        }
    }

    static void wipe() throws Exception {
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE ai_jobs, messages, knowledge_passages, knowledge_versions, documents RESTART IDENTITY CASCADE");
            s.execute("VACUUM ANALYZE ai_jobs");
            s.execute("VACUUM ANALYZE messages");
        }
    }

    static void seedDocuments() throws Exception {
        try (Connection c = db(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO documents (instance, title, content)
                    SELECT '%s', 'FAQ ' || g, repeat('Toko buka setiap hari jam 9 pagi sampai jam 9 malam. Pengiriman ke seluruh Indonesia. ', 8) || g
                      FROM generate_series(1, 20) g""".formatted(INSTANCE));
            s.execute("ANALYZE documents");
        }
    }

    // ------------------------------------------------------------------ fake OpenRouter

    static HttpServer startFakeOpenRouter() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newCachedThreadPool()); // one thread per call held: the slow phase holds hundreds
        Pattern marker = Pattern.compile("\\[(pickup-[0-9]+-[0-9]+)\\]");
        AtomicLong ids = new AtomicLong();
        server.createContext("/api/v1/chat/completions", ex -> {
            long seen = System.nanoTime();
            fakeCalls.incrementAndGet();
            fakeInFlight.incrementAndGet();
            try {
            String req;
            try (InputStream in = ex.getRequestBody()) {
                req = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = marker.matcher(req);
            String lastMarker = null;
            while (m.find()) {
                lastMarker = m.group(1); // the question comes last; history may hold earlier markers
            }
            if (lastMarker != null) {
                fakeFirstSeenNanos.putIfAbsent(lastMarker, seen);
            }
            int latency = fakeLatencyMs;
            if (latency > 0) {
                try {
                    Thread.sleep(latency);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            long now = System.currentTimeMillis() / 1000;
            String body = ("{\"id\":\"gen-bench-%d\",\"provider\":\"Bench\",\"model\":\"openai/gpt-4o\",\"object\":\"chat.completion\","
                    + "\"created\":%d,\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"" + fakeContent() + "\"}}],"
                    + "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":14,\"total_tokens\":134,\"cost\":0.0004}}")
                    .formatted(ids.incrementAndGet(), now);
            fakeInFlight.decrementAndGet();
            answer(ex, 200, body);
            } catch (IOException | RuntimeException e) {
                fakeInFlight.decrementAndGet();
                throw e;
            }
        });
        // the gateway of the stage phases (wuzapi's send API): every part posted, answered with its id
        server.createContext("/chat/send/text", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            answer(ex, 200, "{\"code\":200,\"data\":{\"Details\":\"Sent\",\"Id\":\"BENCH" + gatewayCalls.incrementAndGet()
                    + "\",\"Timestamp\":" + System.currentTimeMillis() / 1000 + "},\"success\":true}");
        });
        server.createContext("/api/v1/credits", ex -> answer(ex, 200, "{\"data\":{\"total_credits\":100,\"total_usage\":1}}"));
        server.createContext("/", ex -> answer(ex, 404, "{\"error\":{\"code\":404,\"message\":\"not in the bench fake\"}}"));
        server.start();
        return server;
    }

    static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ------------------------------------------------------------------ small things

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int env(String name, int def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
    }

    static void log(String msg) {
        System.err.println("bench: " + msg);
    }
}
