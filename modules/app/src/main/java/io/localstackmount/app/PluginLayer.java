package io.localstackmount.app;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one module layer of drop-in plugin jars, built once at start-up from the plugin folders. Core's
 * {@link io.localstackmount.core.PluginRegistry} then finds their providers with the same
 * ServiceLoader calls as the built-ins'. No hot reload, no class loader per plugin: all drop-ins share
 * one loader whose parent is the application's, so a plugin sees the api and nothing of core.
 *
 * <p>Each jar is a module: a modular jar with {@code provides} in its module-info, or a plain jar
 * with {@code META-INF/services} entries (an automatic module). A jar that is not a valid module,
 * names a module another jar already has, does not resolve (a missing {@code requires}), or reaches
 * past the api into the mount's own modules ({@link InternalUse}) is reported by name and left out;
 * the others load. Whether a skipped jar matters is decided later:
 * only when config selects a provider nobody else has.
 *
 * <p>On the module path (the image) the api is a module of the boot layer and the drop-in layer
 * resolves against it. On the class path (tests, IDEs) the boot layer has no api module: a bridge
 * layer then declares the api and SLF4J modules with their real descriptors but no content, defined
 * to a class loader that delegates to the application's, so plugin code links to the very api
 * classes core uses (see {@link #classPathBridge}).
 */
final class PluginLayer {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLayer.class);
    private static final String API_MODULE = "io.localstackmount.api";

    /**
     * The outcome.
     *
     * @param layer    the drop-in layer, or the boot layer when no jar loaded
     * @param jars     jar path per drop-in module that loaded
     * @param problems one line per jar that was skipped, naming it and why
     */
    record Result(ModuleLayer layer, Map<String, Path> jars, List<String> problems) {
        Result {
            jars = Map.copyOf(jars);
            problems = List.copyOf(problems);
        }
    }

    private PluginLayer() {
    }

    /**
     * The jars of {@code dirs} (missing folders are skipped), each folder's in name order. A folder or
     * jar that someone else could have written ({@link PathTrust}) is skipped and said so in
     * {@code problems}: its code would run as you.
     */
    static List<Path> jars(List<Path> dirs, List<String> problems) {
        List<Path> jars = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                LOG.debug("plugin folder {} does not exist", dir);
                continue;
            }
            Optional<String> distrusted = PathTrust.distrust(dir, true);
            if (distrusted.isPresent()) {
                String line = "plugin folder " + dir + ": not loaded: it " + distrusted.get() + ", so its jars could be anyone's";
                LOG.warn(line);
                problems.add(line);
                continue;
            }
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
                List<Path> here = new ArrayList<>();
                stream.forEach(p -> here.add(p.toAbsolutePath().normalize()));
                here.sort(null);
                for (Path jar : here) {
                    Optional<String> why = PathTrust.distrust(jar, true);
                    if (why.isPresent()) {
                        problem(problems, jar, "not loaded: it " + why.get() + ", so its code could be anyone's");
                    } else if (!jars.contains(jar)) {
                        jars.add(jar);
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot read the plugin folder {}: {}", dir, e.toString());
            }
        }
        return jars;
    }

    /** Builds the layer of the jars in {@code dirs}; {@code appLoader} is the application's class loader. */
    static Result load(List<Path> dirs, ClassLoader appLoader) {
        List<String> problems = new ArrayList<>();
        List<Path> jars = jars(dirs, problems);
        if (jars.isEmpty()) {
            return new Result(ModuleLayer.boot(), Map.of(), problems);
        }
        Map<String, Path> candidates = new LinkedHashMap<>();
        for (Path jar : jars) {
            try {
                Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
                ModuleDescriptor descriptor = found.iterator().next().descriptor();
                Path earlier = candidates.get(descriptor.name());
                String internal = InternalUse.of(descriptor, jar);
                if (internal != null) {
                    problem(problems, jar, internal);
                } else if (earlier != null) {
                    problem(problems, jar, "module " + descriptor.name() + " is already loaded from " + earlier);
                } else {
                    candidates.put(descriptor.name(), jar);
                }
            } catch (FindException | java.util.NoSuchElementException e) {
                problem(problems, jar, "not a usable module: " + rootMessage(e));
            }
        }
        if (candidates.isEmpty()) {
            return new Result(ModuleLayer.boot(), Map.of(), problems);
        }
        ModuleLayer parent;
        try {
            parent = ModuleLayer.boot().findModule(API_MODULE).isPresent() ? ModuleLayer.boot() : classPathBridge(appLoader);
        } catch (RuntimeException e) {
            problems.add("no drop-in plugin can load: the api module cannot be bridged from the class path: " + e);
            LOG.warn(problems.get(problems.size() - 1));
            return new Result(ModuleLayer.boot(), Map.of(), problems);
        }
        // All together first; when that fails, one by one, keeping those that work with the ones before.
        Optional<ModuleLayer> all = define(parent, candidates, appLoader, null);
        if (all.isPresent()) {
            return new Result(all.get(), candidates, problems);
        }
        Map<String, Path> accepted = new LinkedHashMap<>();
        ModuleLayer layer = null;
        for (Map.Entry<String, Path> e : candidates.entrySet()) {
            Map<String, Path> trial = new LinkedHashMap<>(accepted);
            trial.put(e.getKey(), e.getValue());
            List<String> why = new ArrayList<>(1);
            Optional<ModuleLayer> defined = define(parent, trial, appLoader, why);
            if (defined.isPresent()) {
                accepted = trial;
                layer = defined.get();
            } else {
                problem(problems, e.getValue(), why.isEmpty() ? "does not load" : why.get(0));
            }
        }
        return layer == null ? new Result(ModuleLayer.boot(), Map.of(), problems) : new Result(layer, accepted, problems);
    }

    private static Optional<ModuleLayer> define(ModuleLayer parent, Map<String, Path> modules, ClassLoader appLoader,
                                                List<String> why) {
        try {
            Configuration cf = parent.configuration().resolveAndBind(
                    ModuleFinder.of(modules.values().toArray(Path[]::new)), ModuleFinder.of(), modules.keySet());
            ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, List.of(parent), appLoader);
            if (parent != ModuleLayer.boot()) {
                // On the class path the api's classes live in the application loader's unnamed module:
                // plugin modules must read it to link against them.
                for (Module m : controller.layer().modules()) {
                    controller.addReads(m, appLoader.getUnnamedModule());
                }
            }
            return Optional.of(controller.layer());
        } catch (ResolutionException | FindException | LayerInstantiationException | SecurityException e) {
            if (why != null) {
                why.add(rootMessage(e));
            }
            return Optional.empty();
        }
    }

    /**
     * A layer over the boot layer that declares the api module (and SLF4J, which it requires
     * transitively) with their real descriptors, read from their jars or class folders on the class
     * path, but serves no classes itself: its loader delegates everything to {@code appLoader}. Plugin
     * modules resolve against it and, reading the application's unnamed module, link to the one copy
     * of the api classes the rest of the app uses, so their providers are the same types.
     */
    static ModuleLayer classPathBridge(ClassLoader appLoader) {
        List<ModuleReference> stubs = new ArrayList<>();
        stubs.add(stub(descriptorOf(io.localstackmount.api.HandlerProvider.class, API_MODULE)));
        stubs.add(stub(descriptorOf(org.slf4j.Logger.class, "org.slf4j")));
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return stubs.stream().filter(r -> r.descriptor().name().equals(name)).findFirst();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.copyOf(stubs);
            }
        };
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(),
                stubs.stream().map(r -> r.descriptor().name()).collect(Collectors.toSet()));
        ClassLoader delegating = new ClassLoader("localstackmount-classpath-bridge", appLoader) { };
        return ModuleLayer.defineModules(cf, List.of(ModuleLayer.boot()), name -> delegating).layer();
    }

    private static ModuleDescriptor descriptorOf(Class<?> type, String expectedName) {
        URI location;
        try {
            location = type.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where " + type.getName() + " was loaded from", e);
        }
        return ModuleFinder.of(Path.of(location)).find(expectedName)
                .orElseThrow(() -> new IllegalStateException(location + " holds no module " + expectedName)).descriptor();
    }

    private static ModuleReference stub(ModuleDescriptor descriptor) {
        return new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) {
                        return Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return Stream.empty();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    private static void problem(List<String> problems, Path jar, String why) {
        String line = jar + ": " + why + "; skipped";
        LOG.warn("plugin jar {}", line);
        problems.add(line);
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        return cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())
                ? message + ": " + cause.getMessage() : message;
    }
}
