package org.moodhaven.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.junit.jupiter.api.Test;

/**
 * What {@code help mh} and {@code help mh:NAME} print at the console: every command listed,
 * and no line wider than a terminal's 80 columns, which would wrap mid-word.
 */
class ScopeHelpTest {

    private static final int COLUMNS = 80;

    @Test
    void helpMhListsEveryCommand() throws Exception {
        Set<String> missing = new TreeSet<>();
        for (Method command : commands()) {
            if (!ScopeHelp.COMMANDS.contains("mh:" + command.getName())
                    && !ScopeHelp.COMMANDS.contains("also mh:" + command.getName() + ")")
                    && !command.getName().equals("mh")) {
                missing.add(command.getName());
            }
        }
        assertEquals(Set.of(), missing, "commands help mh does not list");
        assertEquals(ScopeHelp.COMMANDS, new ScopeHelp().mh());
    }

    @Test
    void everyHelpLineFitsAnEightyColumnTerminal() throws Exception {
        List<String> tooWide = new ArrayList<>();
        for (Method command : commands()) {
            for (String line : gogoHelp(command)) {
                if (line.length() > COLUMNS) {
                    tooWide.add(line.length() + ": " + line);
                }
            }
        }
        assertEquals(List.of(), tooWide);
    }

    @Test
    void theCommandsAreFound() throws Exception {
        Set<String> names = new TreeSet<>();
        for (Method command : commands()) {
            names.add(command.getName());
        }
        assertTrue(names.containsAll(Set.of("status", "entries", "write", "settings", "pair", "synclog", "mh")),
                names.toString());
    }

    /** The lines Felix's {@code help NAME} (gogo.command's Basic) prints for a method. */
    static List<String> gogoHelp(Method method) {
        List<String> lines = new ArrayList<>();
        lines.addAll(List.of((method.getName() + " - " + method.getAnnotation(Descriptor.class).value())
                .split("\n")));
        lines.add("   scope: mh");
        Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            if (method.getParameterTypes()[i] == CommandSession.class) {
                continue;
            }
            Parameter parameter = find(annotations[i], Parameter.class);
            Descriptor descriptor = find(annotations[i], Descriptor.class);
            String text = descriptor == null ? "" : descriptor.value();
            String head = parameter != null ? String.join(", ", parameter.names())
                    : method.getParameterTypes()[i].getSimpleName();
            String tail = parameter != null && parameter.presentValue().equals(Parameter.UNSPECIFIED)
                    ? " [optional]" : "";
            lines.addAll(List.of(("      " + head + "   " + text + tail).split("\n")));
        }
        return lines;
    }

    private static <A extends Annotation> A find(Annotation[] annotations, Class<A> type) {
        for (Annotation annotation : annotations) {
            if (type.isInstance(annotation)) {
                return type.cast(annotation);
            }
        }
        return null;
    }

    /** Every public method with a {@link Descriptor} in the shell bundle: its commands. */
    private static List<Method> commands() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(ScopeHelp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path folder = classes.resolve(ScopeHelp.class.getPackageName().replace('.', '/'));
        List<Method> methods = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".class")) {
                    continue;
                }
                Class<?> type = Class.forName(ScopeHelp.class.getPackageName() + "."
                        + name.substring(0, name.length() - ".class".length()), false, ScopeHelp.class.getClassLoader());
                for (Method method : type.getDeclaredMethods()) {
                    if (Modifier.isPublic(method.getModifiers()) && method.isAnnotationPresent(Descriptor.class)) {
                        methods.add(method);
                    }
                }
            }
        }
        return methods;
    }
}
