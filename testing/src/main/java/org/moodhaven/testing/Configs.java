package org.moodhaven.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes instances of a component's configuration annotation for unit tests, the
 * way Declarative Services does: every attribute returns its default unless
 * the test gives a value.
 */
public final class Configs {

    private Configs() {
    }

    /**
     * @param type          the configuration annotation type (it may be package-private)
     * @param keysAndValues attribute names and values, alternating
     * @param <A>           the type
     * @return an instance answering the given values and the defaults otherwise
     * @throws IllegalArgumentException if a name has no value, a name is not an attribute of
     *                                  {@code type} (a typo would otherwise silently test the
     *                                  default), or an attribute has neither a value nor a default
     */
    public static <A> A of(Class<A> type, Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate: " + keysAndValues.length
                    + " arguments");
        }
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String name = (String) keysAndValues[i];
            try {
                type.getDeclaredMethod(name);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(type.getName() + " has no attribute " + name, e);
            }
            values.put(name, keysAndValues[i + 1]);
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> answer(type, method, values, self, args));
        return type.cast(proxy);
    }

    private static Object answer(Class<?> type, Method method, Map<String, Object> values, Object self,
            Object[] args) {
        switch (method.getName()) {
            case "annotationType":
                return type;
            case "toString":
                return type.getSimpleName() + values;
            case "hashCode":
                return System.identityHashCode(self);
            case "equals":
                return args[0] == self;
            default:
                break;
        }
        if (values.containsKey(method.getName())) {
            return values.get(method.getName());
        }
        Object fallback = method.getDefaultValue();
        if (fallback == null) {
            throw new IllegalArgumentException(type.getSimpleName() + "." + method.getName() + " has no default");
        }
        return fallback;
    }
}
