package dev.mimamori;

import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorRequests;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.DesiredSlo;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.sync.Ownership;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code render -f servicemonitoring.yaml [--profile profile.yaml] [--cluster NAME]}: prints the Datadog requests
 * (monitors, SLOs, the shared dashboard, the gate's metric queries) a ServiceMonitoring produces, without a cluster or Datadog, so a pull request can show them. Exit code 0
 * with the JSON on stdout, or 1 with one line on stderr.
 */
public final class RenderCommand {
    static final String USAGE = "usage: render -f servicemonitoring.yaml [--profile profile.yaml] [--cluster NAME]";

    private RenderCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            out.println(render(args));
            return 0;
        } catch (InvalidInput e) {
            err.println("render: " + e.getMessage());
            return 1;
        }
    }

    static String render(String[] args) {
        String file = null;
        String profileFile = null;
        String cluster = System.getenv().getOrDefault("MIMAMORI_CLUSTER_NAME", "default");
        for (int i = 1; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "-f", "--file" -> file = value;
                case "--profile" -> profileFile = value;
                case "--cluster" -> cluster = value;
                default -> throw new InvalidInput("unknown argument " + args[i] + "; " + USAGE);
            }
            if (value == null) {
                throw new InvalidInput(args[i] + " needs a value; " + USAGE);
            }
            i++;
        }
        if (file == null) {
            throw new InvalidInput(USAGE);
        }
        ServiceMonitoring sm = read(file, ServiceMonitoring.class, "ServiceMonitoring");
        if (sm.getSpec() == null) {
            throw new InvalidInput(file + ": ServiceMonitoring has no spec");
        }
        MonitoringProfileSpec profile = profileFor(sm, profileFile);
        String namespace = sm.getMetadata().getNamespace() == null
                ? "default"
                : sm.getMetadata().getNamespace();
        Rendering rendering = MonitorRenderer.render(
                profile,
                sm.getSpec(),
                Ownership.ownerKey(namespace, sm.getMetadata().getName()),
                cluster);
        if (!rendering.ok()) {
            throw new InvalidInput(file + ": " + rendering.problem().reason() + ": "
                    + rendering.problem().message());
        }
        List<MonitorDefinition> monitors = new ArrayList<>();
        rendering.monitors().forEach(m -> monitors.add(m.definition()));
        // Burn-rate monitors name their SLO by id, which only Datadog can give; shown as a marked stand-in.
        rendering
                .slos()
                .forEach(s -> s.alertMonitors("<id of SLO " + s.templateName() + ">")
                        .forEach(m -> monitors.add(m.definition())));
        return MonitorRequests.asJson(
                monitors,
                rendering.slos().stream().map(DesiredSlo::definition).toList(),
                rendering.dashboard(),
                rendering.gate());
    }

    private static MonitoringProfileSpec profileFor(ServiceMonitoring sm, String profileFile) {
        String wanted = sm.getSpec().profileName();
        if (profileFile != null) {
            MonitoringProfile profile = read(profileFile, MonitoringProfile.class, "MonitoringProfile");
            if (!wanted.equals(profile.getMetadata().getName())) {
                throw new InvalidInput("the ServiceMonitoring uses profile \"" + wanted + "\" but " + profileFile
                        + " defines \"" + profile.getMetadata().getName() + "\"");
            }
            return profile.getSpec() == null ? new MonitoringProfileSpec() : profile.getSpec();
        }
        if (!BuiltInProfile.NAME.equals(wanted)) {
            throw new InvalidInput(
                    "the ServiceMonitoring uses profile \"" + wanted + "\"; pass its file with --profile");
        }
        return BuiltInProfile.spec();
    }

    private static <T> T read(String file, Class<T> type, String kind) {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new InvalidInput("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        Map<?, ?> raw;
        try {
            raw = Serialization.unmarshal(text, Map.class);
        } catch (RuntimeException e) {
            throw new InvalidInput(file + " is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (raw == null || !kind.equals(raw.get("kind"))) {
            throw new InvalidInput(
                    file + " is not a " + kind + " (kind: " + (raw == null ? null : raw.get("kind")) + ")");
        }
        try {
            T parsed = Serialization.unmarshal(text, type);
            return parsed;
        } catch (RuntimeException e) {
            throw new InvalidInput(file + ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Input a person must fix; its message is the one line printed. */
    static final class InvalidInput extends RuntimeException {
        InvalidInput(String message) {
            super(message);
        }
    }
}
