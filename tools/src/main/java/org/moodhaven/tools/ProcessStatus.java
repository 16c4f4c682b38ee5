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

    private static long field(long pid, String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).replaceAll("\\D", ""));
            }
        }
        throw new IOException("no " + name + " in /proc/" + pid + "/status");
    }
}
