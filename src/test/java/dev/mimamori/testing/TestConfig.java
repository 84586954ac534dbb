package dev.mimamori.testing;

import dev.mimamori.config.MimamoriConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration for code under test outside Quarkus (plain unit tests, benchmarks): cluster c1, the given Datadog. */
public record TestConfig(String url, String apiKey, String appKey, Duration readTimeout) implements MimamoriConfig {
    @Override
    public String clusterName() {
        return "c1";
    }

    @Override
    public Duration resyncInterval() {
        return Duration.ofMinutes(10);
    }

    @Override
    public Duration fullResyncInterval() {
        return Duration.ofMinutes(30);
    }

    @Override
    public Duration gatePollInterval() {
        return Duration.ofMinutes(1);
    }

    @Override
    public Duration telemetryInterval() {
        return Duration.ofHours(1);
    }

    @Override
    public Duration telemetryBatchDelay() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration orphanGracePeriod() {
        return Duration.ofHours(1);
    }

    /** The shipped defaults of dev.mimamori.tenancy.TenantRules. */
    @Override
    public Tenancy tenancy() {
        return new Tenancy() {
            public Optional<List<String>> defaultServices() {
                return Optional.empty();
            }

            public Optional<List<String>> defaultTeams() {
                return Optional.empty();
            }

            public Optional<List<String>> defaultEnvs() {
                return Optional.empty();
            }

            public Optional<List<String>> defaultNotify() {
                return Optional.empty();
            }

            public Optional<List<String>> defaultProfiles() {
                return Optional.empty();
            }
        };
    }

    @Override
    public Contention contention() {
        return new Contention() {
            public Duration interval() {
                return Duration.ofMinutes(5);
            }

            public String scope() {
                return "*";
            }
        };
    }

    @Override
    public Datadog datadog() {
        return new Datadog() {
            public Optional<String> apiKey() {
                return Optional.ofNullable(TestConfig.this.apiKey);
            }

            public Optional<String> appKey() {
                return Optional.ofNullable(TestConfig.this.appKey);
            }

            public String site() {
                return "datadoghq.com";
            }

            public Optional<String> url() {
                return Optional.of(TestConfig.this.url);
            }

            public Duration connectTimeout() {
                return Duration.ofSeconds(1);
            }

            public Duration readTimeout() {
                return TestConfig.this.readTimeout;
            }
        };
    }
}
