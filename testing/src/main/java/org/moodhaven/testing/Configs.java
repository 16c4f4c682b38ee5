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
     * @param type          the configuration annotation type
     * @param keysAndValues attribute names and values, alternating
     * @param <A>           the type
     * @return an instance answering the given values and the defaults otherwise
     * @throws IllegalArgumentException if an attribute has neither a value nor a default
     */
    public static <A> A of(Class<A> type, Object... keysAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            values.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> answer(type, method, values));
        return type.cast(proxy);
    }

    private static Object answer(Class<?> type, Method method, Map<String, Object> values) {
        switch (method.getName()) {
            case "annotationType":
                return type;
            case "toString":
                return type.getSimpleName() + values;
            case "hashCode":
                return values.hashCode();
            case "equals":
                return false;
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
