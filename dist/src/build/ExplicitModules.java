import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Turns every automatic module (a jar without module-info) among the app's runtime jars into an explicit,
 * open module, so that jlink can link them into the runtime image and the JVM no longer scans every
 * entry of those jars at start-up to find their packages (dist/README.md). Run by the dist build
 * (pom.xml) as a single-file program on the build's JDK:
 *
 * <pre>java ExplicitModules.java JARS_DIR APP_DIR WORK_DIR RUNTIME_MODULES</pre>
 *
 * <p>It copies the jars of JARS_DIR (the app's runtime closure, as Maven copied it) to APP_DIR, made anew,
 * makes them explicit there, and writes the names of all their modules, comma-separated, to
 * WORK_DIR/modules.txt (for jlink's --add-modules).
 *
 * <p>For each automatic jar: {@code jdeps --generate-module-info} writes its module-info.java, which
 * exports every package and {@code provides} what META-INF/services lists; it is made an {@code open
 * module}, so reflection and resource lookups work as they did (jdeps' own --generate-open-module
 * leaves the exports out, and the module system then refuses a {@code provides} or {@code uses} of a
 * type whose package no module exports: an open module's packages count as exported only for access
 * at run time, not for resolution); a package that holds nothing but package-info is not exported
 * (javac refuses it). The {@code requires} of a JDK module the runtime leaves out (RUNTIME_MODULES,
 * comma-separated) becomes {@code requires static} (httpclient's Kerberos support names
 * java.security.jgss; as an automatic module it ran without it too); the {@code uses} below are added;
 * javac compiles it against the jar, one module at a time (in one javac run for all, javac took
 * software/amazon/awssdk/http/, a folder of apache-client's jar that holds only sub-folders, for a
 * package of that module and failed), and {@code jar --update} adds it, recording the ModulePackages
 * attribute as it does.
 *
 * <p>jdeps cannot see which services a module loads. An explicit module must declare {@code uses} for
 * each, or ServiceLoader throws ServiceConfigurationError. The table below lists them; a jar that calls
 * java.util.ServiceLoader and is not in it stops the build, so a new dependency or SDK version that adds
 * a loader is noticed here and not in a user's mount.
 */
public final class ExplicitModules {
    /** Module name: the services it loads with java.util.ServiceLoader (found with javap). */
    private static final Map<String, List<String>> USES = Map.of(
            // SdkServiceLoader (the HTTP clients) and WarmUpServiceLoader (SdkWarmUpProvider).
            "software.amazon.awssdk.core", List.of(
                    "software.amazon.awssdk.http.SdkHttpService",
                    "software.amazon.awssdk.http.async.SdkAsyncHttpService",
                    "software.amazon.awssdk.core.warmup.SdkWarmUpProvider"));

    private static final Pattern EXPORTS = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;\\R");
    private static final Pattern REQUIRES = Pattern.compile("(?m)^(\\s*requires\\s+)(transitive\\s+)?([\\w.]+)\\s*;");

    private ExplicitModules() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: ExplicitModules JARS_DIR APP_DIR WORK_DIR RUNTIME_MODULES");
        }
        Path jarsDir = Path.of(args[0]);
        Path app = Path.of(args[1]);
        Path work = Path.of(args[2]);
        Set<String> runtime = Set.of(args[3].split(","));
        deleteTree(app);
        deleteTree(work);
        Files.createDirectories(app);
        Files.createDirectories(work);
        try (Stream<Path> jars = Files.list(jarsDir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, app.resolve(jar.getFileName()));
            }
        }
        Map<String, Path> automatic = new LinkedHashMap<>();
        try (Stream<Path> jars = Files.list(app)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                ModuleDescriptor d = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
                if (d.isAutomatic()) {
                    automatic.put(d.name(), jar);
                }
            }
        }
        if (automatic.isEmpty()) {
            writeModuleNames(app, work);
            System.out.println("explicit-modules: no automatic module in " + app);
            return;
        }
        checkServiceLoaders(automatic);

        Path gen = work.resolve("module-info");
        List<String> jdeps = new ArrayList<>(List.of("--multi-release", String.valueOf(Runtime.version().feature()),
                "--ignore-missing-deps", "--generate-module-info", gen.toString(), "--module-path", app.toString()));
        automatic.values().forEach(p -> jdeps.add(p.toString()));
        run("jdeps", jdeps);

        // Compile all first, against the jars as they are (automatic), then update them.
        Map<String, Path> compiled = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : automatic.entrySet()) {
            String module = e.getKey();
            Path source = findModuleInfo(gen.resolve(module));
            String text = Files.readString(source);
            text = text.replaceFirst("(?m)^module ", "open module ");
            text = staticWhereMissing(text, runtime);
            text = exportOnlyWithClasses(text, packagesWithClasses(e.getValue()));
            text = addUses(text, USES.getOrDefault(module, List.of()));
            Path src = work.resolve("src").resolve(module).resolve("module-info.java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, text);
            Path classes = work.resolve("classes").resolve(module);
            run("javac", List.of("-nowarn", "-Xlint:-options", "-d", classes.toString(), "--module-path", app.toString(),
                    "--patch-module", module + "=" + e.getValue(), src.toString()));
            compiled.put(module, classes);
        }
        for (Map.Entry<String, Path> e : compiled.entrySet()) {
            run("jar", List.of("--update", "--file", automatic.get(e.getKey()).toString(),
                    "-C", e.getValue().toString(), "module-info.class"));
        }
        writeModuleNames(app, work);
        System.out.println("explicit-modules: " + automatic.size() + " automatic modules made explicit: "
                + String.join(" ", automatic.keySet()));
    }

    /** Checks that every jar is an explicit module now and writes their names to WORK_DIR/modules.txt. */
    private static void writeModuleNames(Path app, Path work) throws IOException {
        Set<String> names = new TreeSet<>();
        for (ModuleReference ref : ModuleFinder.of(app).findAll()) {
            if (ref.descriptor().isAutomatic()) {
                throw new IllegalStateException(ref.descriptor().name() + " is still an automatic module");
            }
            names.add(ref.descriptor().name());
        }
        Files.writeString(work.resolve("modules.txt"), String.join(",", names));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every automatic jar that calls java.util.ServiceLoader must have its {@code uses} in {@link #USES}. */
    private static void checkServiceLoaders(Map<String, Path> automatic) throws IOException {
        byte[] needle = "java/util/ServiceLoader".getBytes(StandardCharsets.ISO_8859_1);
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, Path> e : automatic.entrySet()) {
            try (ZipFile zip = new ZipFile(e.getValue().toFile())) {
                for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                    ZipEntry entry = en.nextElement();
                    if (!entry.getName().endsWith(".class")) {
                        continue;
                    }
                    byte[] bytes;
                    try (InputStream in = zip.getInputStream(entry)) {
                        bytes = in.readAllBytes();
                    }
                    if (indexOf(bytes, needle) >= 0 && !USES.containsKey(e.getKey())) {
                        unknown.add(e.getKey() + " (" + entry.getName() + ")");
                    }
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("these automatic modules call java.util.ServiceLoader, but ExplicitModules"
                    + " declares no uses for them; find the service types (javap -c) and add them to USES: " + unknown);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Path findModuleInfo(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals("module-info.java")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("jdeps wrote no module-info.java under " + dir));
        }
    }

    /** {@code requires [transitive] M} of a JDK module not in the runtime becomes {@code requires static}. */
    static String staticWhereMissing(String text, Set<String> runtime) {
        Matcher m = REQUIRES.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String module = m.group(3);
            boolean jdk = module.startsWith("java.") || module.startsWith("jdk.");
            String replacement = jdk && !runtime.contains(module)
                    ? m.group(1) + "static " + (m.group(2) == null ? "" : m.group(2)) + module + ";"
                    : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Drops {@code exports p} where p holds no class but package-info (javac refuses it; open, it is reachable anyway). */
    static String exportOnlyWithClasses(String text, Set<String> packages) {
        Matcher m = EXPORTS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, packages.contains(m.group(1)) ? Matcher.quoteReplacement(m.group()) : "");
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The packages of the jar with at least one class other than package-info, versioned ones included. */
    private static Set<String> packagesWithClasses(Path jar) throws IOException {
        Set<String> packages = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName().replaceFirst("^META-INF/versions/\\d+/", "");
                int slash = name.lastIndexOf('/');
                if (name.endsWith(".class") && slash > 0 && !name.endsWith("/package-info.class")
                        && !name.startsWith("META-INF/")) {
                    packages.add(name.substring(0, slash).replace('/', '.'));
                }
            }
        }
        return packages;
    }

    static String addUses(String text, List<String> uses) {
        if (uses.isEmpty()) {
            return text;
        }
        int end = text.lastIndexOf('}');
        String lines = uses.stream().map(u -> "    uses " + u + ";\n").collect(Collectors.joining());
        return text.substring(0, end) + "\n" + lines + text.substring(end);
    }

    private static void run(String tool, List<String> args) {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IllegalStateException("this JDK has no " + tool));
        StringWriter out = new StringWriter();
        PrintWriter pw = new PrintWriter(out, true);
        int rc = provider.run(pw, pw, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException(tool + " " + String.join(" ", args) + " failed (" + rc + "):\n" + out);
        }
    }
}
