package dev.mimamori.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class InformerHandlerFailuresTest {
    private final Logger dispatcher = Logger.getLogger(InformerHandlerFailures.DISPATCHER);

    @Test
    void aHandlerThatThrewFailsTheTestItThrewInAndOnlyThatOne() {
        InformerHandlerFailures guard = new InformerHandlerFailures();
        guard.beforeEach(null);
        dispatcher.log(
                Level.SEVERE,
                "apps/v1/replicasets failed invoking InformerEventSource event handler",
                new NullPointerException("uid"));

        assertThatThrownBy(() -> guard.afterEach(null))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 informer event handler(s) threw")
                .hasMessageContaining("NullPointerException: uid");

        guard.beforeEach(null);
        dispatcher.log(Level.INFO, "apps/v1/replicasets informer started");
        guard.afterEach(null);
        assertThat(InformerHandlerFailures.take()).isEmpty();
    }
}
