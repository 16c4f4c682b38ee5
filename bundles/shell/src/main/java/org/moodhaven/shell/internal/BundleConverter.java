package org.moodhaven.shell.internal;

import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Lets Felix's bundle commands take a bundle's id, or its symbolic name, where they want a
 * {@link Bundle} ({@code stop 33}, {@code update moodhaven.store.derby}). Gogo's shell bundle
 * brings such a converter, but a headless node does not start that bundle (it would read the
 * service's standard input), so in an attached console {@code stop 33} answered "Cannot
 * coerce stop(Token) to any of [(boolean, Bundle[])]". With the shell there too, either
 * converter does.
 */
@Component(service = Converter.class, property = "osgi.converter.classes=org.osgi.framework.Bundle")
public final class BundleConverter implements Converter {

    private final BundleContext context;

    /**
     * @param context the shell bundle's context, to find bundles
     */
    @Activate
    public BundleConverter(BundleContext context) {
        this.context = context;
    }

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        if (desiredType != Bundle.class || in == null) {
            return null;
        }
        String text = in.toString().strip();
        if (text.isEmpty() || text.length() > 200) {
            return null;
        }
        if (text.chars().allMatch(Character::isDigit)) {
            try {
                return context.getBundle(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        Bundle found = null;
        for (Bundle bundle : context.getBundles()) {
            if (text.equals(bundle.getSymbolicName())) {
                if (found != null) {
                    return null; // two versions installed: only the id says which
                }
                found = bundle;
            }
        }
        return found;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        return null; // Gogo's own formatting
    }
}
