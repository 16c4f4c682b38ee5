package org.moodhaven.benchmarks.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the scale curve as an SVG: full-sync time and bytes against N, with the
 * incremental cost beside them, both axes logarithmic, so linear growth is a line of
 * slope 1 and a flat cost is a horizontal line.
 */
final class ScalePlot {

    private static final int WIDTH = 420;
    private static final int HEIGHT = 320;
    private static final int MARGIN = 60;

    private ScalePlot() {
    }

    /** One line of a chart. */
    private record Series(String label, String colour, List<double[]> points) {
    }

    @SuppressWarnings("unchecked")
    static String svg(List<Map<String, Object>> points) {
        List<double[]> full = new ArrayList<>();
        List<double[]> baselines = new ArrayList<>();
        List<double[]> incremental = new ArrayList<>();
        List<double[]> bytes = new ArrayList<>();
        List<double[]> incrementalBytes = new ArrayList<>();
        for (Map<String, Object> point : points) {
            double n = ((Number) point.get("entries")).doubleValue();
            Map<String, Object> median = (Map<String, Object>) point.get("median");
            full.add(new double[] {n, value(median, "fullSyncMs")});
            baselines.add(new double[] {n, value(median, "baselineInsertMs") + value(median, "baselineGcmMs")});
            incremental.add(new double[] {n, value(median, "incremental1Ms")});
            bytes.add(new double[] {n, value(median, "fullBytesUp") + value(median, "fullBytesDown")});
            incrementalBytes.add(new double[] {n, value(median, "incremental1Bytes")});
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH * 2, HEIGHT));
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        chart(out, 0, "Time (ms) against entries", List.of(
                new Series("full sync", "#1f77b4", full),
                new Series("baselines (a)+(b)", "#2ca02c", baselines),
                new Series("incremental, 1 change", "#d62728", incremental)));
        chart(out, WIDTH, "Bytes on the wire against entries", List.of(
                new Series("full sync, both ways", "#1f77b4", bytes),
                new Series("incremental, 1 change", "#d62728", incrementalBytes)));
        return out.append("</svg>\n").toString();
    }

    private static double value(Map<String, Object> median, String key) {
        return ((Number) median.get(key)).doubleValue();
    }

    private static void chart(StringBuilder out, int left, String title, List<Series> series) {
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        double minY = Double.MAX_VALUE;
        double maxY = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, Math.max(p[1], 1e-3));
                maxY = Math.max(maxY, p[1]);
            }
        }
        double x0 = Math.floor(Math.log10(minX));
        double x1 = Math.ceil(Math.log10(maxX));
        double y0 = Math.floor(Math.log10(minY));
        double y1 = Math.ceil(Math.log10(maxY));
        int plotW = WIDTH - 2 * MARGIN + 20;
        int plotH = HEIGHT - 2 * MARGIN;
        int ox = left + MARGIN;
        int oy = HEIGHT - MARGIN;
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"13\">%s</text>%n", ox, title));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", ox, oy - plotH, plotW, plotH));
        for (double e = x0; e <= x1; e++) {
            double x = ox + (e - x0) / Math.max(1, x1 - x0) * plotW;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, oy - plotH, x, oy, x, oy + 14,
                    label(Math.pow(10, e))));
        }
        for (double e = y0; e <= y1; e++) {
            double y = oy - (e - y0) / Math.max(1, y1 - y0) * plotH;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", ox, y, ox + plotW, y, ox - 4, y + 4,
                    label(Math.pow(10, e))));
        }
        int legend = 0;
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                double x = ox + (Math.log10(p[0]) - x0) / Math.max(1, x1 - x0) * plotW;
                double y = oy - (Math.log10(Math.max(p[1], 1e-3)) - y0) / Math.max(1, y1 - y0) * plotH;
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y,
                        s.colour()));
            }
            out.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    path, s.colour()));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", ox + 8,
                    oy - plotH + 14 + 14 * legend++, s.colour(), s.label()));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">entries</text>%n",
                ox + plotW / 2, oy + 30));
    }

    private static String label(double value) {
        if (value >= 1e9) {
            return String.format(Locale.ROOT, "%.0fG", value / 1e9);
        }
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.0fM", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.0fk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
