package org.moodhaven.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux reports of a running process in {@code /proc/<pid>/status}. */
public final class ProcessStatus {

    private ProcessStatus() {
    }

    /**
     * @param pid a running process
     * @return its live threads ({@code Threads:})
     * @throws IOException if the process is gone
     */
    public static int threads(long pid) throws IOException {
        return (int) field(pid, "Threads:");
    }

    /**
     * @param pid a running process
     * @return the highest resident set size it reached, in MiB ({@code VmHWM:})
     * @throws IOException if the process is gone
     */
    public static double peakRssMiB(long pid) throws IOException {
        return field(pid, "VmHWM:") / 1024.0;
    }

    /**
     * @param pid a running process
     * @return its resident set size now, in MiB ({@code VmRSS:})
     * @throws IOException if the process is gone
     */
    public static double rssMiB(long pid) throws IOException {
        return field(pid, "VmRSS:") / 1024.0;
    }

    /**
     * @param pid a running process of this user
     * @return how many file descriptors it has open (the entries of {@code /proc/<pid>/fd}: files,
     *         sockets, pipes)
     * @throws IOException if the process is gone
     */
    public static int openFileDescriptors(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    /**
     * @param pid a running process of this user
     * @return the names of its live threads as Linux has them ({@code /proc/<pid>/task/<tid>/comm}:
     *         a Java thread's name, cut to 15 bytes)
     * @throws IOException if the process is gone
     */
    public static java.util.List<String> threadNames(long pid) throws IOException {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    names.add(Files.readString(task.resolve("comm")).strip());
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return names;
    }

    private static long field(long pid, String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).replaceAll("\\D", ""));
            }
        }
        throw new IOException("no " + name + " in /proc/" + pid + "/status");
    }
}
