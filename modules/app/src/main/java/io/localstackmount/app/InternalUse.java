package io.localstackmount.app;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Whether a drop-in jar reaches past the api into the mount's own modules: plugins see only
 * {@code io.localstackmount.api}, which is all core's guarantees hold for. On the module path the
 * JVM refuses such access anyway (core is exported to the fuse host and the app only), but only
 * when the code runs, as an IllegalAccessError in the middle of a mount; on the class path (tests,
 * IDEs) it would not refuse at all. So the jar is looked at before it loads: a {@code requires} of
 * one of our modules other than the api, or a class that names a class of one of their packages.
 */
final class InternalUse {
    /** Our modules a plugin must not use, with their packages as class files name them. */
    private static final List<String> MODULES = List.of(
            "io.localstackmount.core", "io.localstackmount.fuse", "io.localstackmount.s3", "io.localstackmount.app");

    private InternalUse() {
    }

    /** Why {@code jar} may not load, or null when it uses only the api. */
    static String of(ModuleDescriptor descriptor, Path jar) {
        for (ModuleDescriptor.Requires r : descriptor.requires()) {
            if (MODULES.contains(r.name())) {
                return refusal(descriptor.name() + " requires " + r.name());
            }
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                String text;
                try (InputStream in = file.getInputStream(entry)) {
                    // Class names stand in the constant pool as plain (modified UTF-8) text.
                    text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                for (String module : MODULES) {
                    String internalName = module.replace('.', '/') + "/";
                    int at = text.indexOf(internalName);
                    if (at >= 0) {
                        return refusal(entry.getName() + " uses " + className(text, at) + " of " + module);
                    }
                }
            }
        } catch (IOException e) {
            return null; // not readable as a jar: the module finder reports that
        }
        return null;
    }

    private static String refusal(String what) {
        return what + ", which plugins cannot use: a plugin sees only the api module io.localstackmount.api"
                + " (docs/PLUGINS.md)";
    }

    /** The class name starting at {@code at}, in dotted form. */
    private static String className(String text, int at) {
        int end = at;
        while (end < text.length() && (Character.isJavaIdentifierPart(text.charAt(end)) || text.charAt(end) == '/')) {
            end++;
        }
        return text.substring(at, end).replace('/', '.');
    }
}
