package org.moodhaven.testing.store;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Builds an instance of a component's configuration annotation, as DS would from
 * ConfigAdmin, so a test can construct a store directly: each attribute reads from
 * the given values, else its default.
 */
public final class StoreConfigs {

    private StoreConfigs() {
    }

    /**
     * @param <A>    the configuration annotation type
     * @param type   the configuration annotation type (it may be package-private)
     * @param values attribute values by method name; missing ones take their default
     * @return an instance of {@code type}
     * @throws IllegalArgumentException if a value names no attribute, or an attribute has
     *                                  neither a value nor a default
     */
    public static <A extends Annotation> A of(Class<A> type, Map<String, ?> values) {
        for (String name : values.keySet()) {
            try {
                type.getDeclaredMethod(name);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(type.getName() + " has no attribute " + name, e);
            }
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> invoke(type, values, self, method, args));
        return type.cast(proxy);
    }

    private static Object invoke(Class<?> type, Map<String, ?> values, Object self, Method method, Object[] args) {
        switch (method.getName()) {
            case "annotationType":
                return type;
            case "toString":
                return "@" + type.getName() + values;
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
        Object value = method.getDefaultValue();
        if (value == null) {
            throw new IllegalArgumentException(type.getName() + "." + method.getName() + " has no default");
        }
        return value;
    }
}
