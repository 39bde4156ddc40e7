package io.localstackmount.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds plugin jars in tests the way a plugin author would: javac against the api on the module
 * path, then jar. Used for the example plugin's real sources and for small broken plugins.
 */
public final class PluginJars {
    private PluginJars() {
    }

    /** The example plugin's sources in this repository. */
    public static Path exampleSources() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("plugins/example-checksums/src/main/java");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("plugins/example-checksums not found above " + dir);
    }

    /** Compiles every .java file under {@code sourceRoot} as one module and jars it into {@code jar}. */
    public static Path build(Path sourceRoot, Path jar) {
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
            return build(sources, jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code files} (path relative to the jar root -> text) and builds them into {@code jar}:
     * {@code .java} files are compiled, anything else (META-INF/services/...) goes in as it is.
     */
    public static Path build(Map<String, String> files, Path jar) {
        return build(files, jar, new Class<?>[0]);
    }

    /**
     * As {@link #build(Map, Path)}, compiled also against the jars (or class folders) of
     * {@code alsoVisible}: for plugins that use what a plugin should not.
     */
    public static Path build(Map<String, String> files, Path jar, Class<?>... alsoVisible) {
        try {
            Path root = Files.createTempDirectory("plugin-src-");
            Path resources = Files.createTempDirectory("plugin-res-");
            List<Path> sources = new ArrayList<>();
            for (Map.Entry<String, String> e : files.entrySet()) {
                boolean java = e.getKey().endsWith(".java");
                Path file = (java ? root : resources).resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                if (java) {
                    sources.add(file);
                }
            }
            return build(sources, resources, jar, alsoVisible);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path build(List<Path> sources, Path jar) throws IOException {
        return build(sources, null, jar);
    }

    private static Path build(List<Path> sources, Path resources, Path jar, Class<?>... alsoVisible) throws IOException {
        Path classes = Files.createTempDirectory("plugin-classes-");
        List<String> javac = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
        boolean modular = sources.stream().anyMatch(p -> p.getFileName().toString().equals("module-info.java"));
        javac.add(modular ? "--module-path" : "--class-path");
        StringBuilder path = new StringBuilder(apiModulePath());
        for (Class<?> type : alsoVisible) {
            path.append(java.io.File.pathSeparator).append(location(type));
        }
        javac.add(path.toString());
        sources.forEach(s -> javac.add(s.toString()));
        run("javac", javac);
        if (resources != null) {
            copyTree(resources, classes);
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Files.deleteIfExists(jar);
        run("jar", List.of("--create", "--file", jar.toString(), "-C", classes.toString(), "."));
        return jar;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The api and what it requires, as a module path: what a plugin compiles against. */
    public static String apiModulePath() {
        return location(io.localstackmount.api.HandlerProvider.class) + java.io.File.pathSeparator + location(org.slf4j.Logger.class);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String tool, List<String> args) {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IllegalStateException(tool + " is not available: the tests need a JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = provider.run(print, print, args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException(tool + " " + args + " failed (" + code + "):\n" + out.toString(StandardCharsets.UTF_8));
        }
    }
}
