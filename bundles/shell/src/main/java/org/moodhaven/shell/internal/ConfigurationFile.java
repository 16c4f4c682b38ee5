package org.moodhaven.shell.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Changes one key of a {@code {data}/etc/<pid>.cfg} file as a person would with an editor:
 * the line of the key is replaced, or a new one goes right under the commented-out default
 * ({@code #key = default}) the node wrote, or at the end; removing a key deletes its line and
 * leaves the comments (its description, its default) where they are. FileInstall then reads
 * the file as after any edit. (Through ConfigAdmin, FileInstall would write the change back
 * itself, but it drops the comments of a key it removes, and appends a key far from them.)
 */
final class ConfigurationFile {

    /** The Felix type letters of a typed value, e.g. {@code service.ranking = I"500"}. */
    private static final Map<Class<?>, Character> TYPE_LETTERS = Map.of(Integer.class, 'I', Long.class, 'L',
            Short.class, 'S', Byte.class, 'X', Double.class, 'D', Float.class, 'F', Boolean.class, 'B',
            Character.class, 'C');

    /** Longest file changed (the node's own are a few KiB). */
    private static final long MAX_BYTES = 1024 * 1024;

    /**
     * What a change found.
     *
     * @param was the key's value before, as the file wrote it, or {@code null} when it was not set
     */
    record Change(String was) {
    }

    private ConfigurationFile() {
    }

    /**
     * @param value a setting's value: a String, or a boxed number, Boolean or Character
     * @return how a {@code .cfg} file writes it: text as it is (backslashes doubled), other types as Felix's
     *         typed values ({@code I"500"}), without which a number would be read as text
     */
    static String literal(Object value) {
        Character letter = TYPE_LETTERS.get(value.getClass());
        String text = String.valueOf(value);
        if (letter == null) {
            return text.replace("\\", "\\\\");
        }
        return letter + "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * @param file    the file
     * @param key     the key
     * @param literal the value as the file is to write it, or {@code null} to remove the key
     * @return what was there
     * @throws IOException if the file cannot be read or replaced
     */
    static Change change(Path file, String key, String literal) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(file + " is larger than " + MAX_BYTES + " bytes; edit it by hand");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        Pattern active = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:](.*)$");
        Pattern commented = Pattern.compile("^\\s*[#!]\\s*" + Pattern.quote(key) + "\\s*[=:].*$");
        String was = null;
        int at = -1;
        int defaultLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            var matcher = active.matcher(lines.get(i));
            if (at < 0 && matcher.matches() && !continued(lines, i)) {
                at = i;
                was = matcher.group(1).strip();
            } else if (defaultLine < 0 && commented.matcher(lines.get(i)).matches()) {
                defaultLine = i;
            }
        }
        if (literal == null && at < 0) {
            return new Change(null);
        }
        String line = key + " = " + literal;
        if (literal == null) {
            lines.remove(at);
        } else if (at >= 0) {
            lines.set(at, line);
        } else if (defaultLine >= 0) {
            lines.add(defaultLine + 1, line);
        } else {
            lines.add(line);
        }
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp"); // FileInstall reads *.cfg only
        Files.write(temporary, lines, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own permissions apply
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Change(was);
    }

    /** @return whether line i continues the line before it (that one ends with an odd number of backslashes) */
    private static boolean continued(List<String> lines, int i) {
        if (i == 0) {
            return false;
        }
        String before = lines.get(i - 1);
        int backslashes = 0;
        for (int j = before.length() - 1; j >= 0 && before.charAt(j) == '\\'; j--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
