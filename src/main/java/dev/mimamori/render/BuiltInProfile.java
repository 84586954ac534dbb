package dev.mimamori.render;

import dev.mimamori.api.MonitoringProfileSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The profile named {@code default} that ships inside the operator, used while no MonitoringProfile takes its name. */
public final class BuiltInProfile {
    public static final String NAME = "default";
    private static final String RESOURCE = "/default-profile.yaml";

    private BuiltInProfile() {}

    /** A fresh copy each time: callers may not share mutable spec objects. */
    public static MonitoringProfileSpec spec() {
        try (InputStream in = BuiltInProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the operator");
            }
            return Serialization.unmarshal(in, MonitoringProfileSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
