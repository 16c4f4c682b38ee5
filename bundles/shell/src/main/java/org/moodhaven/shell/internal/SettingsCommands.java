package org.moodhaven.shell.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.moodhaven.api.node.NodeSettings;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@code mh:settings}: lists the node's configuration as ConfigAdmin holds it, and changes
 * it where a person would: in {@code {data}/etc/<pid>.cfg}, the source of truth, which Felix
 * FileInstall reads into ConfigAdmin (the command waits until it has). Changing the file
 * rather than the configuration keeps the file as the person and the node wrote it
 * ({@link ConfigurationFile}), and the change lasts. The value gets the type the component's
 * metatype gives it ({@code service.ranking} an Integer: as text it would not rank). A
 * configuration without a file (an opt-in component, or the one the launcher sets for each
 * run) is refused rather than changed where no file shows it.
 *
 * <p>Not {@code mh:config}: SCR's {@code config} (a component's configurations) keeps its
 * short name. The listing shows the stored properties, not those processed for a component,
 * so a flag of this run's command line is neither shown nor written into a file.
 */
@Component(service = SettingsCommands.class, property = {
        "osgi.command.scope=mh",
        "osgi.command.function=settings"})
public final class SettingsCommands {

    /** The property by which FileInstall ties a configuration to its file. */
    static final String FILE_PROPERTY = "felix.fileinstall.filename";

    /** Properties the framework and FileInstall keep in a configuration; not settings. */
    private static final Set<String> BOOKKEEPING = Set.of("service.pid", "service.factoryPid",
            "service.bundleLocation", FILE_PROPERTY);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");
    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");
    private static final int MAX_VALUE = 4096;

    private static final Duration APPLY_WAIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 100;
    private static final Map<Integer, String> TYPE_NAMES = Map.of(AttributeDefinition.INTEGER, "an Integer",
            AttributeDefinition.LONG, "a Long", AttributeDefinition.SHORT, "a Short", AttributeDefinition.BYTE,
            "a Byte", AttributeDefinition.DOUBLE, "a Double", AttributeDefinition.FLOAT, "a Float",
            AttributeDefinition.BOOLEAN, "true or false");

    private final ConfigurationAdmin configurationAdmin;
    private final BundleContext context;
    private final MetaTypeService metaType;
    private final Path etc;

    /**
     * @param configurationAdmin the configurations
     * @param context            the shell bundle's context, to find the metatype of each bundle
     * @param settings           the node's settings, for the data folder and so {@code etc/}
     * @param metaType           the metatype service, for each setting's type; without it every value is text
     */
    @Activate
    public SettingsCommands(BundleContext context, @Reference ConfigurationAdmin configurationAdmin,
                            @Reference NodeSettings settings,
                            @Reference(cardinality = ReferenceCardinality.OPTIONAL) MetaTypeService metaType) {
        this(context, configurationAdmin, metaType, settings.dataFolder().resolve("etc"));
    }

    SettingsCommands(BundleContext context, ConfigurationAdmin configurationAdmin, MetaTypeService metaType,
                     Path etc) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.metaType = metaType;
        this.etc = etc;
    }

    /**
     * @param remove whether to remove the key (back to its default) instead of setting it
     * @param words  nothing; a configuration's pid; or a pid, a key and a value ({@code --remove}: a pid and a key)
     * @return the settings, or what changed
     * @throws CommandFailure with a message for the person when the command cannot do it
     */
    @Descriptor("List the node's settings (the files in {data}/etc), or set or\n"
            + "   remove one: mh:settings [PID [KEY VALUE]], mh:settings --remove PID KEY")
    public String settings(
            @Descriptor("remove the key: the component gets its default again")
            @Parameter(names = {"--remove"}, presentValue = "true", absentValue = "false") boolean remove,
            @Descriptor("[PID [KEY VALUE]]: a configuration (e.g. moodhaven.sync),\n"
                    + "         a key, a value") String... words)
            throws CommandFailure {
        return CommandFailure.run(() -> {
            if (remove) {
                if (words.length != 2) {
                    throw new IllegalArgumentException("mh:settings --remove needs a configuration and a key, e.g. "
                            + "mh:settings --remove moodhaven.crypto.bc service.ranking");
                }
                return change(words[0], words[1], null);
            }
            return switch (words.length) {
                case 0 -> list(null);
                case 1 -> list(checkedPid(words[0]));
                case 3 -> change(words[0], words[1], words[2]);
                default -> throw new IllegalArgumentException("mh:settings takes nothing, a configuration, or a "
                        + "configuration, a key and a value (quote a value holding spaces), e.g. mh:settings "
                        + "moodhaven.crypto.bc service.ranking 500");
            };
        });
    }

    private String list(String onlyPid) throws IOException, InvalidSyntaxException {
        Configuration[] found = configurationAdmin.listConfigurations(
                onlyPid == null ? null : "(service.pid=" + onlyPid + ")");
        List<Configuration> configurations = new ArrayList<>();
        if (found != null) {
            for (Configuration configuration : found) {
                if (onlyPid != null || fileOf(configuration) != null
                        || configuration.getPid().startsWith("moodhaven.")) {
                    configurations.add(configuration);
                }
            }
        }
        configurations.sort((a, b) -> a.getPid().compareTo(b.getPid()));
        if (configurations.isEmpty()) {
            return onlyPid == null ? "No settings: " + etc + " holds no configuration file the node has read."
                    : "No configuration " + onlyPid + " (its file would be " + etc.resolve(onlyPid + ".cfg")
                    + "). mh:settings lists them all.";
        }
        StringBuilder out = new StringBuilder();
        for (Configuration configuration : configurations) {
            Object file = fileOf(configuration);
            out.append(configuration.getPid()).append("  (")
                    .append(file != null ? file : "no file in " + etc + ": not changed here").append(")\n");
            TreeMap<String, String> values = values(configuration.getProperties());
            if (values.isEmpty()) {
                out.append("  every setting has its default\n");
            }
            values.forEach((key, value) -> out.append("  ").append(key).append(" = ").append(value).append('\n'));
        }
        if (onlyPid == null) {
            out.append("Each file lists every setting with its description and default. A flag given on the command "
                    + "line wins for its run and is not shown here.");
        }
        return out.toString().stripTrailing();
    }

    private String change(String name, String key, String value) throws Exception {
        checkedPid(name);
        Path file = etc.resolve(name + ".cfg");
        if (!KEY.matcher(key).matches() || BOOKKEEPING.contains(key)) {
            throw new IllegalArgumentException("\"" + Texts.shorten(key, 60) + "\" is not a setting's key; "
                    + "mh:settings " + name + " shows them, and " + file + " describes each");
        }
        if (value != null && (value.length() > MAX_VALUE || value.chars().anyMatch(c -> c < ' ' && c != '\t'))) {
            throw new IllegalArgumentException("a value is one line of at most " + MAX_VALUE + " characters");
        }
        if (!Files.isRegularFile(file)) {
            Path example = etc.resolve(name + ".cfg.example");
            throw new IllegalArgumentException(name + " has no file in " + etc + " (" + file.getFileName() + "), so a "
                    + "setting made here would show nowhere and not last; " + (Files.exists(example)
                    ? "it is opt-in: copy " + example.getFileName() + " to " + file.getFileName() + " to turn it on"
                    : "mh:settings lists those that have one"));
        }
        if (value != null && key.endsWith(".target")) {
            try {
                FrameworkUtil.createFilter(value);
            } catch (InvalidSyntaxException e) {
                // A component whose reference has no valid filter stops, and the commands that need it go too.
                throw new IllegalArgumentException(key + " is a filter that picks a service, e.g. "
                        + "(moodhaven.crypto.provider=bc), and \"" + Texts.shorten(value, 80) + "\" is none: "
                        + e.getMessage() + (value.startsWith("(") ? "" : "; at the g! prompt, quote it: \"(...)\""));
            }
        }
        Configuration configuration = configurationOf(file);
        Object typed = value == null ? null : typed(configuration, name, key, value);
        ConfigurationFile.Change change = ConfigurationFile.change(file, key,
                value == null ? null : ConfigurationFile.literal(typed));
        if (change.was() == null && value == null) {
            return key + " is not set in " + file + "; it has its default already. Nothing changed.";
        }
        String what = value == null ? "Removed " + key + " (it was " + change.was() + "): the default applies again"
                : "Set " + key + " = " + value + (change.was() == null ? "" : " (it was " + change.was() + ")");
        // FileInstall reads the file within a second or two and hands it to ConfigAdmin: wait for that, so that
        // "applied" is true when it is said.
        long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Configuration now = configurationOf(file);
            Object current = now == null || now.getProperties() == null ? null : now.getProperties().get(key);
            if (value == null ? current == null : current != null && text(current).equals(text(typed))) {
                return what + ", in " + file + ". The node applies it now.";
            }
            Thread.sleep(POLL_MILLIS); // FileInstall tells no one when it has read a file
        }
        return what + ", in " + file + ". The node has not read the file yet (Felix FileInstall reads " + etc
                + " every second); mh:settings " + name + " shows what it uses.";
    }

    /** @return the configuration FileInstall made from the file, or {@code null} before it read it */
    private Configuration configurationOf(Path file) throws IOException, InvalidSyntaxException {
        Configuration[] all = configurationAdmin.listConfigurations(null);
        if (all != null) {
            for (Configuration configuration : all) {
                Object from = fileOf(configuration);
                if (from instanceof Path path && path.toAbsolutePath().normalize()
                        .equals(file.toAbsolutePath().normalize())) {
                    return configuration;
                }
            }
        }
        return null;
    }

    /**
     * The value as the component's metatype says it is: a service ranking must be an Integer
     * to count, and a file says so as {@code I"500"}.
     */
    private Object typed(Configuration configuration, String name, String key, String value) {
        int type = attributeType(configuration, name, key);
        try {
            return switch (type) {
                case AttributeDefinition.INTEGER -> Integer.valueOf(value.strip());
                case AttributeDefinition.LONG -> Long.valueOf(value.strip());
                case AttributeDefinition.SHORT -> Short.valueOf(value.strip());
                case AttributeDefinition.BYTE -> Byte.valueOf(value.strip());
                case AttributeDefinition.DOUBLE -> Double.valueOf(value.strip());
                case AttributeDefinition.FLOAT -> Float.valueOf(value.strip());
                case AttributeDefinition.BOOLEAN -> {
                    if (!value.strip().equalsIgnoreCase("true") && !value.strip().equalsIgnoreCase("false")) {
                        throw new NumberFormatException();
                    }
                    yield Boolean.valueOf(value.strip());
                }
                default -> value;
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " of " + name + " is " + TYPE_NAMES.getOrDefault(type, "typed")
                    + ", and \"" + Texts.shorten(value, 60) + "\" is not one");
        }
    }

    /** @return the attribute's metatype type, or {@link AttributeDefinition#STRING} when none says */
    private int attributeType(Configuration configuration, String name, String key) {
        MetaTypeService metaType = this.metaType;
        if (metaType == null) {
            return AttributeDefinition.STRING;
        }
        String pid = configuration != null && configuration.getFactoryPid() != null ? configuration.getFactoryPid()
                : name;
        for (Bundle bundle : context.getBundles()) {
            try {
                MetaTypeInformation information = metaType.getMetaTypeInformation(bundle);
                if (information == null) {
                    continue;
                }
                boolean has = List.of(information.getPids()).contains(pid)
                        || List.of(information.getFactoryPids()).contains(pid);
                if (!has) {
                    continue;
                }
                ObjectClassDefinition definition = information.getObjectClassDefinition(pid, null);
                AttributeDefinition[] attributes = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
                for (AttributeDefinition attribute : attributes == null ? new AttributeDefinition[0] : attributes) {
                    if (attribute.getID().equals(key)) {
                        return attribute.getCardinality() == 0 ? attribute.getType() : AttributeDefinition.STRING;
                    }
                }
            } catch (RuntimeException e) {
                // a bundle going away meanwhile, or metatype it cannot read: not this attribute's
            }
        }
        return AttributeDefinition.STRING;
    }

    private static String checkedPid(String pid) {
        if (!PID.matcher(pid).matches()) {
            throw new IllegalArgumentException("\"" + Texts.shorten(pid, 60) + "\" is not a configuration's name "
                    + "(its pid, e.g. moodhaven.sync); mh:settings lists them");
        }
        return pid;
    }

    private static Object fileOf(Configuration configuration) {
        Dictionary<String, Object> properties = configuration.getProperties();
        Object file = properties == null ? null : properties.get(FILE_PROPERTY);
        if (file instanceof String uri && uri.startsWith("file:")) {
            try {
                return Path.of(java.net.URI.create(uri));
            } catch (IllegalArgumentException e) {
                return uri;
            }
        }
        return file;
    }

    private static TreeMap<String, String> values(Dictionary<String, Object> properties) {
        TreeMap<String, String> values = new TreeMap<>();
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                if (!BOOKKEEPING.contains(key)) {
                    values.put(key, text(properties.get(key)));
                }
            }
        }
        return values;
    }

    private static String text(Object value) {
        if (value != null && value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(String.valueOf(Array.get(value, i)));
            }
            return String.join(", ", items);
        }
        return String.valueOf(value);
    }
}
