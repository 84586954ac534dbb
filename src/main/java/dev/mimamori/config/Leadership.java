package dev.mimamori.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Two replicas may run; only the one holding the lease {@value #LEASE} reconciles and runs the background checks
 * (drift, telemetry), so Datadog sees one operator's calls. Leader election is active in the packaged operator (the
 * prod profile, see application.properties); elsewhere (tests) this instance simply leads.
 */
@ApplicationScoped
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);
    public static final String LEASE = "mimamori-leader";

    /** Until elected, an instance that takes part in leader election does nothing in the background. */
    private volatile boolean leading = !electionActive();

    /** The same rule quarkus-operator-sdk applies: election runs only in the profiles the property lists. */
    static boolean electionActive() {
        List<String> profiles = ConfigProvider.getConfig()
                .getOptionalValues("quarkus.operator-sdk.activate-leader-election-for-profiles", String.class)
                .orElse(List.of("prod"));
        return ConfigUtils.getProfiles().stream().anyMatch(profiles::contains);
    }

    /** Whether this instance does the work now. The background checks skip their run when it does not. */
    public boolean isLeading() {
        return leading;
    }

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection() {
        String identity =
                firstSet(System.getenv("POD_NAME"), System.getenv("HOSTNAME"), "mimamori-" + UUID.randomUUID());
        // The lease lives in the operator's own namespace (the service account's); JOSDK's timing defaults apply:
        // a 15 s lease, renewed every 2 s, given up when not renewed within 10 s.
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
                .withIdentity(identity)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leading = true;
                            LOG.infof("%s leads: reconciling and running the drift and telemetry checks", identity);
                        },
                        () -> {
                            leading = false;
                            LOG.infof("%s stopped leading", identity);
                        },
                        newLeader -> LOG.infof("leader is %s", newLeader)))
                .build();
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
