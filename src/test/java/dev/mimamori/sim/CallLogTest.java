package dev.mimamori.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallLogTest {
    static CallLog.Call call(String path) {
        return new CallLog.Call(
                Instant.EPOCH, DatadogSimulator.DELETE_MONITOR, "DELETE", path, Map.of(), NullNode.instance, 200);
    }

    @Test
    void theCallsSinceAMarkAreThoseLoggedAfterItEvenWhenTheLogIsFull() {
        CallLog log = new CallLog();
        for (int i = 0; i < 10_000; i++) {
            log.record(call("/before/" + i));
        }
        long mark = log.mark();
        log.record(call("/after/1"));
        log.record(call("/after/2"));

        // The log keeps its last 10,000 calls: its size no longer moves, so sizes cannot mark a point in it.
        assertThat(log.requests()).hasSize(10_000);
        assertThat(log.requestsSince(mark)).extracting(CallLog.Call::path).containsExactly("/after/1", "/after/2");
    }

    @Test
    void aMarkTheLogHasDroppedOrForgottenIsRefusedInsteadOfSlicingOtherCalls() {
        CallLog log = new CallLog();
        long mark = log.mark();
        for (int i = 0; i < 10_001; i++) {
            log.record(call("/" + i));
        }
        assertThatThrownBy(() -> log.requestsSince(mark)).isInstanceOf(IllegalStateException.class);

        long beforeReset = log.mark();
        log.reset();
        assertThatThrownBy(() -> log.requestsSince(beforeReset)).isInstanceOf(IllegalStateException.class);
    }
}
