package dev.mimamori.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How a ServiceMonitoring's entries apply to its profile's templates of any kind (monitors, SLOs), in one place:
 * an entry with a profile template's name overrides the fields it sets, {@code enabled: false} drops it, a new name
 * adds one. A profile template with {@code enabled: false} is off unless a service's entry turns it on.
 */
final class NamedOverrides {

    private NamedOverrides() {}

    static <T> List<T> merge(
            List<T> profile,
            List<T> overrides,
            Function<T, String> name,
            Predicate<T> disabled,
            BinaryOperator<T> overlay) {
        Map<String, T> byName = new LinkedHashMap<>();
        for (T t : profile == null ? List.<T>of() : profile) {
            byName.put(name.apply(t), t);
        }
        for (T o : overrides == null ? List.<T>of() : overrides) {
            T base = byName.get(name.apply(o));
            if (disabled.test(o)) {
                byName.remove(name.apply(o));
            } else {
                // The overlay does not carry enabled over: an entry naming an off profile template turns it on.
                byName.put(name.apply(o), base == null ? o : overlay.apply(base, o));
            }
        }
        List<T> result = new ArrayList<>();
        for (T t : byName.values()) {
            if (!disabled.test(t)) {
                result.add(t);
            }
        }
        return result;
    }

    /** The override's value where it sets one, else the base's. */
    static <T> T pick(T override, T base) {
        return override != null ? override : base;
    }
}
