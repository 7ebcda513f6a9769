package casegraph.neo4jlocal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.SecurityException;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;

/**
 * Local Neo4j Community (embedded DBMS + Bolt) for development and tests; driven by scripts/neo4j-local.
 *
 * <pre>
 *   serve [--dir DIR] [--port PORT]        run the DBMS in the foreground until SIGTERM/SIGINT
 *   ping  [--port PORT]                    run `RETURN 1` over Bolt; exit 0 if it answered
 *   query [--port PORT] CYPHER             run one auto-commit query over Bolt and print the rows
 * </pre>
 *
 * Environment: NEO4J_PASSWORD (required, >= 8 chars, password of user neo4j), NEO4J_LOCAL_DIR
 * (serve: Neo4j home; data/ and logs/ go below it), NEO4J_LOCAL_PORT (default 7687),
 * NEO4J_LOCAL_PAGECACHE (default 128m), NEO4J_LOCAL_TX_MAX (per-transaction memory cap, default 128m),
 * NEO4J_LOCAL_TX_TOTAL (all transactions together, default 256m).
 *
 * The server JVM needs the module opens that Neo4j 5.26's own start-up passes (server.jvm.additional in the
 * shipped conf/neo4j.conf; the same list as ConfigFileMigrator.recommendedJvmAdditionals in neo4j-dbms):
 * --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
 * --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
 * scripts/neo4j-local passes them.
 *
 * Exit codes: 0 ok; 1 failure (not reachable, query error, startup failure); 2 usage or configuration
 * error; 3 authentication rejected (ping/query).
 */
public final class Neo4jLocal {
    private static final String PREFIX = "neo4j-local: ";
    private static final int EXIT_FAIL = 1;
    private static final int EXIT_USAGE = 2;
    private static final int EXIT_AUTH = 3;
    private static final int MIN_PASSWORD_LENGTH = 8; // Neo4j's dbms.security.auth_minimum_password_length default

    private Neo4jLocal() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            usage(System.err);
            System.exit(EXIT_USAGE);
        }
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(PREFIX + e.getMessage());
            usage(System.err);
            System.exit(EXIT_USAGE);
            return;
        }
        int code;
        switch (args[0]) {
            case "serve" -> code = serve(opts);
            case "ping" -> code = client(opts, "RETURN 1 AS ok", true);
            case "query" -> {
                if (opts.query == null) {
                    System.err.println(PREFIX + "query: missing CYPHER argument");
                    code = EXIT_USAGE;
                } else {
                    code = client(opts, opts.query, false);
                }
            }
            case "help", "-h", "--help" -> {
                usage(System.out);
                code = 0;
            }
            default -> {
                System.err.println(PREFIX + "unknown mode '" + args[0] + "'");
                usage(System.err);
                code = EXIT_USAGE;
            }
        }
        System.exit(code);
    }

    private static void usage(PrintStream out) {
        out.println("usage: Neo4jLocal serve [--dir DIR] [--port PORT]");
        out.println("       Neo4jLocal ping  [--port PORT]");
        out.println("       Neo4jLocal query [--port PORT] CYPHER");
        out.println("env:   NEO4J_PASSWORD (required), NEO4J_LOCAL_DIR, NEO4J_LOCAL_PORT,");
        out.println("       NEO4J_LOCAL_PAGECACHE, NEO4J_LOCAL_TX_MAX, NEO4J_LOCAL_TX_TOTAL");
    }

    // ------------------------------------------------------------------ serve

    private static int serve(Options opts) {
        String password = password();
        if (password == null) {
            return EXIT_USAGE;
        }
        if (opts.dir == null) {
            System.err.println(PREFIX + "serve needs --dir DIR or NEO4J_LOCAL_DIR");
            return EXIT_USAGE;
        }
        Path home = Path.of(opts.dir).toAbsolutePath().normalize();
        long pageCache;
        long txMax;
        long txTotal;
        try {
            pageCache = bytes("NEO4J_LOCAL_PAGECACHE", "128m");
            txMax = bytes("NEO4J_LOCAL_TX_MAX", "128m");
            txTotal = bytes("NEO4J_LOCAL_TX_TOTAL", "256m");
            Files.createDirectories(home);
        } catch (Exception e) {
            System.err.println(PREFIX + e.getMessage());
            return EXIT_USAGE;
        }

        // SIGTERM/SIGINT: shut down from the main thread and exit 0 (the JVM's default handling would
        // run the hooks but exit with 128+signal). Installed first, so that a signal during start-up
        // also ends in a clean shutdown once the DBMS is up.
        CountDownLatch signalled = new CountDownLatch(1);
        for (String sig : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> signalled.countDown());
            } catch (Throwable e) {
                System.err.println(PREFIX + "cannot install SIG" + sig + " handler (" + e + "); using JVM default");
            }
        }

        long t0 = System.nanoTime();
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    // User-facing log (a handful of lines per start/stop) goes to stdout, i.e. the script's
                    // log file; the verbose debug log goes to <home>/logs/debug.log.
                    .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", opts.port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", opts.port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size, txMax)
                    .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txTotal)
                    // Small disposable dev stores: no 250 MiB tx-log preallocation, little log retention.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, mib(64))
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    // Bolt's netty event loops wait a 5 s "quiet period" (twice) on shutdown; by then all Bolt
                    // connections are closed, so skip it: makes stop/restart ~10 s faster.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (Throwable e) {
            System.err.println(PREFIX + "failed to start Neo4j: " + e);
            e.printStackTrace(System.err);
            return EXIT_FAIL;
        }

        AtomicBoolean stopped = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                long s0 = System.nanoTime();
                System.out.println(PREFIX + "shutting down");
                System.out.flush();
                try {
                    dbms.shutdown();
                    System.out.println(PREFIX + "shutdown complete in " + millis(s0) + " ms");
                } catch (Throwable e) {
                    System.err.println(PREFIX + "error during shutdown: " + e);
                    e.printStackTrace(System.err);
                }
                System.out.flush();
            }
        };
        // Safety net for exits we don't handle ourselves (e.g. SIGHUP, System.exit from elsewhere).
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-local-shutdown"));

        if (signalled.getCount() == 0) { // signalled while starting
            stop.run();
            return 0;
        }

        long dbmsMillis = millis(t0);
        long t1 = System.nanoTime();
        String passwordAction;
        try {
            passwordAction = setPassword(dbms, password);
        } catch (Throwable e) {
            System.err.println(PREFIX + "failed to set the password of user neo4j: " + e.getMessage());
            stop.run();
            return EXIT_FAIL;
        }

        System.out.println(PREFIX + "bolt listening on 127.0.0.1:" + opts.port + " (home " + home + "; dbms "
                + dbmsMillis + " ms, " + passwordAction + " " + millis(t1) + " ms; jvm uptime "
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
        System.out.flush();

        try {
            signalled.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop.run();
        return 0;
    }

    /**
     * Makes NEO4J_PASSWORD the password of user neo4j (no change required); works on a fresh store (initial
     * password "neo4j", change required) and on an existing one. Runs as the embedded caller (no auth)
     * against the system database, so the old password is not needed.
     *
     * @return what was done, for the start-up line
     */
    private static String setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (passwordAlreadySet(system, password)) {
            return "password unchanged";
        }
        Map<String, Object> params = Map.of("pw", password);
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", params);
            return "password set";
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("cannot be the same")) {
                // Neo4j refuses to "change" a password to the one already set; only clear the change flag.
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
                return "password unchanged";
            }
            if (msg.contains("does not exist")) {
                system.executeTransactionally("CREATE USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", params);
                return "user neo4j created";
            }
            throw e;
        }
    }

    /**
     * Fast path for restarts: reads user neo4j from the system graph with the core API and checks the
     * password with Neo4j's own credential class, which avoids ~1-3 s of cold Cypher administration-command
     * compilation. Uses Neo4j internals, so any surprise just means "don't know" and the Cypher path runs.
     */
    private static boolean passwordAlreadySet(GraphDatabaseService system, String password) {
        try (Transaction tx = system.beginTx()) {
            Node user = tx.findNode(Label.label("User"), "name", "neo4j");
            if (user == null || !Boolean.FALSE.equals(user.getProperty("passwordChangeRequired", null))
                    || !(user.getProperty("credentials", null) instanceof String credentials)) {
                return false;
            }
            return SystemGraphCredential.deserialize(credentials, new SecureHasher())
                    .matchesPassword(password.getBytes(StandardCharsets.UTF_8));
        } catch (Throwable e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ ping / query

    private static int client(Options opts, String cypher, boolean quiet) {
        String password = password();
        if (password == null) {
            return EXIT_USAGE;
        }
        String uri = "bolt://127.0.0.1:" + opts.port;
        Config config = Config.builder()
                .withLogging(Logging.none())
                .withConnectionTimeout(3, java.util.concurrent.TimeUnit.SECONDS)
                .withMaxConnectionPoolSize(1)
                .withoutEncryption()
                .build();
        try (Driver driver = GraphDatabase.driver(uri, AuthTokens.basic("neo4j", password), config);
                Session session = driver.session()) {
            Result result = session.run(cypher);
            if (quiet) {
                Record r = result.single();
                if (r.get(0).asInt() != 1) {
                    System.err.println(PREFIX + uri + ": unexpected answer " + r);
                    return EXIT_FAIL;
                }
                return 0;
            }
            List<String> keys = result.keys();
            System.out.println(String.join("\t", keys));
            while (result.hasNext()) {
                Record r = result.next();
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) line.append('\t');
                    line.append(r.get(i));
                }
                System.out.println(line);
            }
            var c = result.consume().counters();
            if (c.containsUpdates() || c.containsSystemUpdates()) {
                System.err.printf("%snodes +%d -%d, relationships +%d -%d, properties set %d, system updates %d%n",
                        PREFIX, c.nodesCreated(), c.nodesDeleted(), c.relationshipsCreated(),
                        c.relationshipsDeleted(), c.propertiesSet(), c.systemUpdates());
            }
            return 0;
        } catch (SecurityException e) {
            System.err.println(PREFIX + uri + ": authentication rejected: " + e.getMessage());
            return EXIT_AUTH;
        } catch (Exception e) {
            System.err.println(PREFIX + uri + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return EXIT_FAIL;
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String password() {
        String pw = System.getenv("NEO4J_PASSWORD");
        if (pw == null || pw.isEmpty()) {
            System.err.println(PREFIX + "NEO4J_PASSWORD is not set (password of user neo4j)");
            return null;
        }
        if (pw.length() < MIN_PASSWORD_LENGTH) {
            System.err.println(PREFIX + "NEO4J_PASSWORD must be at least " + MIN_PASSWORD_LENGTH
                    + " characters (Neo4j's minimum password length)");
            return null;
        }
        return pw;
    }

    private static long bytes(String env, String dflt) {
        String v = System.getenv(env);
        String raw = v == null || v.isBlank() ? dflt : v.trim();
        try {
            return SettingValueParsers.BYTES.parse(raw);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(env + "='" + raw + "' is not a size like 128m or 1g");
        }
    }

    private static long mib(long n) {
        return n * 1024L * 1024L;
    }

    private static long millis(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    private static final class Options {
        String dir = System.getenv("NEO4J_LOCAL_DIR");
        int port = 7687;
        String query;

        static Options parse(String[] args) {
            Options o = new Options();
            String envPort = System.getenv("NEO4J_LOCAL_PORT");
            if (envPort != null && !envPort.isBlank()) {
                o.port = port(envPort);
            }
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--dir" -> o.dir = value(args, ++i, "--dir");
                    case "--port" -> o.port = port(value(args, ++i, "--port"));
                    default -> {
                        if (args[i].startsWith("--") || o.query != null) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        o.query = args[i];
                    }
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static int port(String s) {
            try {
                int p = Integer.parseInt(s.trim());
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid port '" + s + "'");
            }
        }
    }
}
