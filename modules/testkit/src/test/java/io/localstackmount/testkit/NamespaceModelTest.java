package io.localstackmount.testkit;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount against a reference model: the keys of the fake store. Seeded random runs interleave
 * <ul>
 *   <li>changes by another client, straight on the store (put a file, put a marker, delete a key);</li>
 *   <li>changes through the mount (write a new file, mkdir, rm, rmdir on the dispatcher);</li>
 *   <li>lookups and listings, and time passing (0 to 1.5 s; TTL 2 s, negative TTL 1 s).</li>
 * </ul>
 * Paths are drawn from this universe, so every name is representable and folders shadow files:
 * <pre>
 * /b
 * ├── a, b, c               depth 1
 * │   └── a, b, c           depth 2
 * │       └── a, b, c       depth 3
 * </pre>
 * Two properties:
 * <ol>
 *   <li><b>Changes through the mount are never contradicted</b>: after one, and until another
 *       client touches that path or anything below it, lookups show what it did and the parent's
 *       listing agrees.</li>
 *   <li><b>Changes elsewhere show within the TTL</b>: once nothing at or below a path has changed for
 *       longer than the TTL (changes through the mount count for the folders above them: whether a
 *       folder keeps a marker is decided on what the mount believed), the mount agrees with the store
 *       about that path and its listing. The lenient run checks this only after time stood still for
 *       a TTL; the strict run checks it after every step.</li>
 * </ol>
 * A failure prints the seed, the step and the operations leading to it. (Later work: the same over
 * jqwik, with shrinking.)
 */
class NamespaceModelTest {
    private static final String BUCKET = "b";
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(1);
    private static final long BOUND_NANOS = Math.max(TTL.toNanos(), NEGATIVE_TTL.toNanos());
    private static final List<FsPath> UNIVERSE = universe();
    private static final FsPath BUCKET_PATH = FsPath.parse("/" + BUCKET);
    /** Seeds per property; more with -Dmodel.seeds=N when hunting a rare interleaving. */
    private static final long SEEDS = Long.getLong("model.seeds", 8);

    @TempDir
    Path dir;

    private static List<FsPath> universe() {
        List<FsPath> paths = new ArrayList<>();
        for (String a : NAMES) {
            FsPath p1 = FsPath.parse("/" + BUCKET + "/" + a);
            paths.add(p1);
            for (String b : NAMES) {
                FsPath p2 = p1.child(b);
                paths.add(p2);
                for (String c : NAMES) {
                    paths.add(p2.child(c));
                }
            }
        }
        return List.copyOf(paths);
    }

    @Test
    @DisplayName("changes through the mount are never contradicted, and after a TTL of quiet the mount agrees with the store")
    void settlesAfterTheTtl() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            try (Run run = new Run(dir.resolve("lenient-" + seed), seed, false)) {
                run.steps(300);
            }
        }
    }

    @Test
    @DisplayName("nothing the mount shows is older than the TTL (checked after every step)")
    void neverStalerThanTheTtl() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            try (Run run = new Run(dir.resolve("strict-" + seed), seed, true)) {
                run.steps(300);
            }
        }
    }

    /** What a change through the mount left at a path: its type, or null for "removed". */
    private record LocalFact(long seq, NodeType type, String op) {
    }

    /** One seeded run: the mount under test, the event bookkeeping and the history for messages. */
    private static final class Run implements AutoCloseable {
        private final long seed;
        private final boolean strict;
        private final Random random;
        private final TestMount m;
        private final FakeObjectStore fake;
        private final Namespace ns;
        /** Last time (ticker nanos) anything changed at or below a path in a way the mount was not told. */
        private final Map<FsPath, Long> lastChange = new HashMap<>();
        /** Sequence number of the last change by another client at or below a path. */
        private final Map<FsPath, Long> lastExternalSeq = new HashMap<>();
        private final Map<FsPath, LocalFact> facts = new HashMap<>();
        private final Deque<String> history = new ArrayDeque<>();
        private long seq;
        private int step;

        Run(Path folder, long seed, boolean strict) {
            this.seed = seed;
            this.strict = strict;
            this.random = new Random(seed);
            this.m = TestMount.builder(folder).buckets(BUCKET).config(b -> b.metadataTtl(TTL).negativeTtl(NEGATIVE_TTL)).start();
            this.fake = m.s3();
            this.ns = m.namespace();
            // A starting tree, older than any cache: a few files and markers.
            for (int i = 0; i < 6; i++) {
                FsPath p = randomPath();
                if (random.nextBoolean()) {
                    fake.with(BUCKET, p.key(), "initial");
                } else {
                    fake.with(BUCKET, p.markerKey(), "");
                }
            }
            m.time().advance(TTL.multipliedBy(2));
        }

        void steps(int count) {
            for (step = 1; step <= count; step++) {
                int dice = random.nextInt(100);
                if (dice < 20) {
                    externalChange();
                } else if (dice < 45) {
                    localChange();
                } else if (dice < 70) {
                    lookup();
                } else if (dice < 95) {
                    long millis = random.nextInt(1_500);
                    m.time().advanceMillis(millis);
                    log("advance " + millis + " ms");
                } else if (!strict) {
                    m.time().advance(Duration.ofNanos(BOUND_NANOS).plusMillis(1));
                    log("settle: advance past the TTL");
                    checkFreshness(UNIVERSE);
                }
                checkLocalFacts();
                if (strict) {
                    checkFreshness(sample(8));
                }
            }
        }

        // ---- operations ------------------------------------------------------------------

        private void externalChange() {
            int kind = random.nextInt(3);
            FsPath p = randomPath();
            String key;
            if (kind == 0) {
                key = p.key();
                fake.with(BUCKET, key, "by another client " + step);
                log("other client: put " + key);
            } else if (kind == 1) {
                key = p.markerKey();
                fake.with(BUCKET, key, "");
                log("other client: put marker " + key);
            } else {
                List<String> keys = fake.keys(BUCKET);
                if (keys.isEmpty()) {
                    return;
                }
                key = keys.get(random.nextInt(keys.size()));
                fake.delete(BUCKET, key);
                log("other client: delete " + key);
            }
            FsPath touched = FsPath.of(BUCKET, key.endsWith("/") ? key.substring(0, key.length() - 1) : key);
            seq++;
            for (FsPath p2 = touched; !p2.isRoot(); p2 = p2.parent()) {
                lastChange.put(p2, m.time().read());
                lastExternalSeq.put(p2, seq);
            }
        }

        /** What a shell does through the mount; each only where the kernel would let it (the mount agrees). */
        private void localChange() {
            FsPath p = randomPath();
            Optional<Node> seen = ns.find(p);
            Optional<Node> parentSeen = ns.find(p.parent());
            NodeType stored = modelType(p);
            int kind = random.nextInt(4);
            if (kind == 0 && seen.isEmpty() && stored == null && isDir(parentSeen)) {
                m.write(p.toString(), "local " + step);
                local(p, NodeType.FILE, "echo > " + p);
            } else if (kind == 1 && seen.isEmpty() && stored == null && isDir(parentSeen)) {
                m.fs().mkdir(p, 0755);
                local(p, NodeType.DIRECTORY, "mkdir " + p);
            } else if (kind == 2 && seen.map(n -> n.type() == NodeType.FILE).orElse(false) && stored == NodeType.FILE) {
                m.fs().unlink(p);
                local(p, null, "rm " + p);
            } else if (kind == 3 && isDir(seen) && stored == NodeType.DIRECTORY && quietFor(p) && onlyMarkerBelow(p)
                    && !fake.keys(BUCKET).contains(p.key())) {
                // Not when a file of the same name hides under the folder: rmdir would uncover it.
                try {
                    m.fs().rmdir(p);
                } catch (FsException e) {
                    if (e.errno() != Errno.ENOTEMPTY) {
                        throw e;
                    }
                    log("rmdir " + p + ": ENOTEMPTY");
                    return;
                }
                local(p, null, "rmdir " + p);
            }
        }

        private void local(FsPath target, NodeType type, String op) {
            seq++;
            facts.put(target, new LocalFact(seq, type, op));
            // The folders above learn of it only through the mount's judgement (a marker written or
            // not when the last entry went): count it as a change.
            for (FsPath p = target.parent(); !p.isRoot(); p = p.parent()) {
                lastChange.put(p, m.time().read());
            }
            log("local: " + op);
        }

        private void lookup() {
            FsPath p = random.nextInt(8) == 0 ? BUCKET_PATH : randomPath();
            Optional<Node> node = ns.find(p);
            if (isDir(node)) {
                m.fs().readdir(p);
                log("ls " + p);
            } else {
                log("stat " + p + " -> " + node.map(Node::type).orElse(null));
            }
        }

        // ---- properties --------------------------------------------------------------------

        private void checkLocalFacts() {
            for (Map.Entry<FsPath, LocalFact> e : facts.entrySet()) {
                FsPath p = e.getKey();
                LocalFact fact = e.getValue();
                if (lastExternalSeq.getOrDefault(p, -1L) > fact.seq()) {
                    continue; // another client touched it since: anything goes within the TTL
                }
                NodeType shown = ns.find(p).map(Node::type).orElse(null);
                if (shown != fact.type()) {
                    fail("after local '" + fact.op() + "' " + p + " shows as " + shown + ", expected " + fact.type());
                }
                Optional<Node> parent = ns.find(p.parent());
                if (isDir(parent)) {
                    Optional<Node> listed = ns.list(p.parent()).stream().filter(n -> n.name().equals(p.name())).findFirst();
                    NodeType listedType = listed.map(Node::type).orElse(null);
                    if (listedType != fact.type()) {
                        fail("after local '" + fact.op() + "' the listing of " + p.parent() + " shows " + p.name()
                                + " as " + listedType + ", expected " + fact.type());
                    }
                }
            }
        }

        private void checkFreshness(List<FsPath> paths) {
            for (FsPath p : paths) {
                if (!quietFor(p)) {
                    continue;
                }
                NodeType expected = p.isBucket() ? NodeType.DIRECTORY : modelType(p);
                NodeType shown = ns.find(p).map(Node::type).orElse(null);
                if (!Objects.equals(expected, shown)) {
                    fail(p + " shows as " + shown + " but the store says " + expected + " (unchanged for over the TTL; "
                            + "the lookups of these checks are not in the history)");
                }
                if (expected == NodeType.DIRECTORY) {
                    TreeSet<String> listed = ns.list(p).stream().map(Node::name).collect(Collectors.toCollection(TreeSet::new));
                    TreeSet<String> stored = modelChildren(p);
                    if (!listed.equals(stored)) {
                        fail("listing of " + p + " is " + listed + " but the store holds " + stored + " (unchanged for over the TTL)");
                    }
                }
            }
        }

        private boolean quietFor(FsPath p) {
            Long changed = lastChange.get(p);
            return changed == null || m.time().read() - changed > BOUND_NANOS;
        }

        // ---- the reference model: the store's keys -------------------------------------------

        private NodeType modelType(FsPath p) {
            String key = p.key();
            List<String> keys = fake.keys(BUCKET);
            if (keys.stream().anyMatch(k -> k.startsWith(key + "/"))) {
                return NodeType.DIRECTORY; // a folder shadows a file of the same name
            }
            return keys.contains(key) ? NodeType.FILE : null;
        }

        private TreeSet<String> modelChildren(FsPath folder) {
            String prefix = folder.childPrefix();
            TreeSet<String> names = new TreeSet<>();
            for (String key : fake.keys(BUCKET)) {
                if (key.startsWith(prefix) && key.length() > prefix.length()) {
                    String rest = key.substring(prefix.length());
                    int slash = rest.indexOf('/');
                    names.add(slash < 0 ? rest : rest.substring(0, slash));
                }
            }
            return names;
        }

        private boolean onlyMarkerBelow(FsPath p) {
            return fake.keys(BUCKET).stream().filter(k -> k.startsWith(p.markerKey())).allMatch(p.markerKey()::equals);
        }

        // ---- helpers -----------------------------------------------------------------------

        private static boolean isDir(Optional<Node> node) {
            return node.map(Node::isDirectory).orElse(false);
        }

        private FsPath randomPath() {
            return UNIVERSE.get(random.nextInt(UNIVERSE.size()));
        }

        private List<FsPath> sample(int n) {
            List<FsPath> paths = new ArrayList<>();
            paths.add(BUCKET_PATH);
            for (int i = 0; i < n; i++) {
                paths.add(randomPath());
            }
            return paths;
        }

        private void log(String op) {
            history.addLast(String.format("%4d t=%6d ms %s", step, m.time().read() / 1_000_000, op));
            if (history.size() > 40) {
                history.removeFirst();
            }
        }

        private void fail(String message) {
            org.junit.jupiter.api.Assertions.fail((strict ? "strict" : "lenient") + " run, seed " + seed + ", step " + step
                    + ": " + message + "\nstore keys: " + fake.keys(BUCKET) + "\nlast operations:\n  "
                    + String.join("\n  ", history));
        }

        @Override
        public void close() {
            m.close();
        }
    }
}
