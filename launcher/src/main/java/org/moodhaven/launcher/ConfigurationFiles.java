package org.moodhaven.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Writes {@code {data}/etc/<pid>.cfg}, one file per configurable component of the
 * distribution, before the framework starts: every attribute commented out, under its
 * metatype name, description, type and default, and the component's references (whose
 * {@code <name>.target} filter picks the service it uses). Felix FileInstall then applies the
 * files, and any edit to them, while the node runs; {@link #awaitApplied} holds the start until
 * it has applied them once.
 *
 * <p>The files are read from the bundles' own {@code OSGI-INF} (metatype and component
 * descriptions), so they are there, and applied, before any component is activated: a
 * component never starts once without its file and again a second later with it. A file that
 * exists is never written again, whatever it holds: it may be a person's edit. An opt-in
 * component (configuration policy {@code require}, such as the memory store) gets
 * {@code <pid>.cfg.example} instead, because any {@code .cfg}, even all comments, would turn
 * it on. PIDs the command line sets for each run are skipped ({@link #RUN_PIDS}).
 */
public final class ConfigurationFiles {

    /** The node's own settings: the data folder, name and headless flag of this run, never a file. */
    static final Set<String> RUN_PIDS = Set.of("moodhaven.node");

    /** The symbolic names of MoodHaven's bundles start so. */
    private static final String OUR_BUNDLES = "moodhaven.";

    /** Which bundles the files were last written for, and which files. */
    static final String STAMP = ".generated";

    private static final String STAMP_HEADER = "# the bundles the node last wrote this folder's files for (the node's own)\n";

    /** Longest comment line; descriptions are wrapped at words. */
    private static final int WIDTH = 100;

    /** How long the start waits for FileInstall to have applied the files of {@code etc/}. */
    private static final long CONFIGURATION_WAIT_MILLIS = 10_000;

    /** The property FileInstall gives each configuration it made from a file. */
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    /**
     * One attribute of a configuration.
     *
     * @param id          its key
     * @param name        its metatype name
     * @param description its metatype description
     * @param type        its metatype type (String, Integer, Boolean, ...)
     * @param defaultValue its default, or null
     */
    record Attribute(String id, String name, String description, String type, String defaultValue) {
    }

    /**
     * What a file describes.
     *
     * @param pid         the configuration pid
     * @param name        the metatype name of the configuration
     * @param description its metatype description
     * @param attributes  its attributes
     * @param references  the names of the component's references and the service each uses
     * @param optIn       whether the component runs only once it has a configuration
     */
    record Described(String pid, String name, String description, List<Attribute> attributes,
                     Map<String, String> references, boolean optIn) {
    }

    private ConfigurationFiles() {
    }

    /**
     * Writes the files the folder does not hold yet.
     *
     * @param etc  {@code {data}/etc}
     * @param jars the distribution's bundles
     * @return the files written
     * @throws IOException if a jar cannot be read or a file written
     */
    public static List<Path> writeMissing(Path etc, Collection<BundleFolder.BundleJar> jars) throws IOException {
        StringBuilder bundles = new StringBuilder();
        for (BundleFolder.BundleJar jar : jars) {
            if (jar.symbolicName().startsWith(OUR_BUNDLES)) {
                bundles.append(jar.file().getFileName()).append(' ').append(descriptionsChecksum(jar.file()))
                        .append(';');
            }
        }
        Path stamp = etc.resolve(STAMP);
        if (upToDate(stamp, etc, bundles.toString())) {
            return List.of(); // reading every bundle's descriptions costs a start about 0.1 s
        }
        List<Path> written = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (BundleFolder.BundleJar jar : jars) {
            if (!jar.symbolicName().startsWith(OUR_BUNDLES)) {
                continue; // the framework's services are set up by the launcher, not by a person
            }
            for (Described described : describe(jar.file())) {
                if (RUN_PIDS.contains(described.pid())) {
                    continue;
                }
                Path file = etc.resolve(described.pid() + (described.optIn() ? ".cfg.example" : ".cfg"));
                names.add(file.getFileName().toString());
                if (Files.exists(file)) {
                    continue;
                }
                Path temp = etc.resolve("." + file.getFileName() + ".new");
                Files.writeString(temp, render(described), StandardCharsets.UTF_8);
                // FileInstall never sees half a file.
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                written.add(file);
            }
        }
        Files.writeString(stamp, STAMP_HEADER + bundles + "\n" + String.join("\n", names) + "\n",
                StandardCharsets.UTF_8);
        return written;
    }

    /**
     * @return the CRC-32s of a jar's {@code OSGI-INF} descriptions, as its central directory lists
     *         them (a build's jars all have the same time, so neither it nor the size tells them apart)
     */
    private static long descriptionsChecksum(Path jar) throws IOException {
        long sum = 0;
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().startsWith("OSGI-INF/")) {
                    sum = sum * 31 + entry.getName().hashCode() * 17L + entry.getCrc();
                }
            }
        }
        return sum;
    }

    /**
     * @return whether the bundles are those the stamp was written for and every file written
     *         then is still there (a file a person deleted is written again)
     */
    private static boolean upToDate(Path stamp, Path etc, String bundles) throws IOException {
        if (!Files.isRegularFile(stamp)) {
            return false;
        }
        List<String> lines = Files.readAllLines(stamp, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(1).equals(bundles)) {
            return false;
        }
        for (String name : lines.subList(2, lines.size())) {
            if (!name.isEmpty() && !Files.exists(etc.resolve(name))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param jar a bundle
     * @return the configurations its metatype describes, with its components' references
     * @throws IOException if it cannot be read or holds a description that is not XML
     */
    static List<Described> describe(Path jar) throws IOException {
        Map<String, Map<String, String>> referencesByPid = new LinkedHashMap<>();
        Map<String, Boolean> optInByPid = new LinkedHashMap<>();
        List<Element> metatypes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.startsWith("OSGI-INF/") || !name.endsWith(".xml")) {
                    continue;
                }
                Element root = parse(file, entry).getDocumentElement();
                if (name.startsWith("OSGI-INF/metatype/")) {
                    metatypes.add(root);
                } else if ("component".equals(root.getLocalName()) || root.getTagName().endsWith("component")) {
                    String pid = root.hasAttribute("configuration-pid") ? root.getAttribute("configuration-pid")
                            : root.getAttribute("name");
                    optInByPid.put(pid, "require".equals(root.getAttribute("configuration-policy")));
                    Map<String, String> references = new LinkedHashMap<>();
                    NodeList refs = root.getElementsByTagName("reference");
                    for (int i = 0; i < refs.getLength(); i++) {
                        Element ref = (Element) refs.item(i);
                        if (!ref.getAttribute("name").startsWith("$")) { // constructor parameters bnd named
                            references.put(ref.getAttribute("name"), ref.getAttribute("interface"));
                        }
                    }
                    referencesByPid.put(pid, references);
                }
            }
        }
        List<Described> described = new ArrayList<>();
        for (Element root : metatypes) {
            Map<String, Element> ocds = new LinkedHashMap<>();
            NodeList ocdList = root.getElementsByTagName("OCD");
            for (int i = 0; i < ocdList.getLength(); i++) {
                Element ocd = (Element) ocdList.item(i);
                ocds.put(ocd.getAttribute("id"), ocd);
            }
            NodeList designates = root.getElementsByTagName("Designate");
            for (int i = 0; i < designates.getLength(); i++) {
                Element designate = (Element) designates.item(i);
                String pid = designate.getAttribute("pid");
                NodeList objects = designate.getElementsByTagName("Object");
                if (pid.isEmpty() || designate.hasAttribute("factoryPid") || objects.getLength() == 0) {
                    continue; // factory configurations: none in MoodHaven today
                }
                Element ocd = ocds.get(((Element) objects.item(0)).getAttribute("ocdref"));
                if (ocd == null) {
                    continue;
                }
                List<Attribute> attributes = new ArrayList<>();
                NodeList ads = ocd.getElementsByTagName("AD");
                for (int j = 0; j < ads.getLength(); j++) {
                    Element ad = (Element) ads.item(j);
                    attributes.add(new Attribute(ad.getAttribute("id"), ad.getAttribute("name"),
                            ad.getAttribute("description"), ad.getAttribute("type"),
                            ad.hasAttribute("default") ? ad.getAttribute("default") : null));
                }
                described.add(new Described(pid, ocd.getAttribute("name"), ocd.getAttribute("description"),
                        attributes, referencesByPid.getOrDefault(pid, Map.of()),
                        optInByPid.getOrDefault(pid, false)));
            }
        }
        return described;
    }

    /** @return the text of a file: comments only, ending with a newline */
    static String render(Described described) {
        StringBuilder text = new StringBuilder();
        comment(text, described.name() + " (configuration " + described.pid() + ")");
        comment(text, described.description());
        text.append("#\n");
        if (described.optIn()) {
            comment(text, "This component is off until it has a configuration. To turn it on, copy this file to "
                    + described.pid() + ".cfg (any .cfg turns it on, even one of comments only) and set what "
                    + "you need there.");
        } else {
            comment(text, "Every setting is commented out, so it has its default. To change one, remove the '#' "
                    + "in front of its key and set its value; the running node applies the change within "
                    + "seconds. A flag given on the command line wins over this file for that run and is never "
                    + "written here. The node wrote this file at its first start; it changes it again only when "
                    + "asked to (mh:settings at the console). Delete it to get a fresh one at the next start.");
        }
        for (Attribute attribute : described.attributes()) {
            text.append('\n');
            comment(text, attribute.name() + " (" + attribute.type() + ")");
            comment(text, attribute.description());
            text.append('#').append(escapeKey(attribute.id())).append(" = ")
                    .append(attribute.defaultValue() == null ? "" : value(attribute))
                    .append('\n');
        }
        for (Map.Entry<String, String> reference : described.references().entrySet()) {
            text.append('\n');
            String example = reference.getValue().endsWith(".CryptoProvider")
                    ? ", e.g. (moodhaven.crypto.provider=bc) for BouncyCastle" : "";
            comment(text, "Which " + reference.getValue() + " to use: an LDAP filter over its service "
                    + "properties" + example + ". Unset, the one of highest service.ranking.");
            text.append('#').append(escapeKey(reference.getKey() + ".target")).append(" = \n");
        }
        return text.toString();
    }

    /**
     * A default as FileInstall reads it back. Plain values are strings, which SCR converts to each
     * attribute's type; but {@code service.ranking} goes to the service registry as it is, where
     * anything but an Integer counts as 0, so it is written typed ({@code I"100"}).
     */
    private static String value(Attribute attribute) {
        if (attribute.id().equals("service.ranking") && attribute.defaultValue().matches("-?[0-9]+")) {
            return "I\"" + attribute.defaultValue() + "\"";
        }
        return escapeValue(attribute.defaultValue());
    }

    /** Appends text as comment lines, wrapped at words. */
    private static void comment(StringBuilder text, String words) {
        if (words == null || words.isBlank()) {
            return;
        }
        StringBuilder line = new StringBuilder("#");
        for (String word : words.strip().split("\\s+")) {
            if (line.length() > 1 && line.length() + 1 + word.length() > WIDTH) {
                text.append(line).append('\n');
                line = new StringBuilder("#");
            }
            line.append(' ').append(word);
        }
        text.append(line).append('\n');
    }

    private static String escapeKey(String key) {
        return escapeValue(key).replace("=", "\\=").replace(":", "\\:").replace(" ", "\\ ");
    }

    private static String escapeValue(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static Document parse(JarFile file, JarEntry entry) throws IOException {
        try (InputStream in = file.getInputStream(entry)) {
            return builder().parse(in);
        } catch (SAXException e) {
            throw new IOException(entry.getName() + " in " + file.getName() + " is not valid XML: "
                    + e.getMessage(), e);
        }
    }

    private static DocumentBuilder builder() throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // The bundles are ours, but no parser of ours fetches anything an XML file names.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IOException("no XML parser: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until FileInstall (started with the framework's services) has handed every
     * {@code etc/*.cfg} to ConfigAdmin, so our components start with their files' settings rather
     * than start, and start again a second later. Each file becomes a configuration whose
     * {@value #FILEINSTALL_FILENAME} names it. The launcher shares no class with the bundles, so it
     * asks ConfigAdmin through reflection. At most {@value #CONFIGURATION_WAIT_MILLIS} ms: a file
     * FileInstall cannot read is reported in the log and the start goes on.
     */
    static void awaitApplied(BundleContext context, Path etc, PrintStream err)
            throws InterruptedException {
        List<String> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(etc)) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".cfg"))
                    .map(name -> name.substring(0, name.length() - ".cfg".length()))
                    .filter(pid -> !pid.contains("-")) // factory configurations: pid-name.cfg
                    .forEach(pids::add);
        } catch (IOException e) {
            err.println("moodhaven: cannot list " + etc + ": " + e.getMessage());
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONFIGURATION_WAIT_MILLIS);
        while (!pids.isEmpty() && System.nanoTime() < deadline) {
            pids.removeIf(pid -> fromFile(context, pid));
            if (!pids.isEmpty()) {
                Thread.sleep(20); // a poll with a deadline: FileInstall's thread tells no one when it is done
            }
        }
    }

    private static boolean fromFile(BundleContext context, String pid) {
        try {
            ServiceReference<?> reference =
                    context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
            if (reference == null) {
                return false;
            }
            Object configAdmin = context.getService(reference);
            try {
                Class<?> api = reference.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
                Object found = api.getMethod("listConfigurations", String.class).invoke(configAdmin,
                        "(&(service.pid=" + pid + ")(" + FILEINSTALL_FILENAME + "=*))");
                return found != null;
            } finally {
                context.ungetService(reference);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // not a ConfigAdmin this launcher knows: do not hold the start up for it
        }
    }
}
