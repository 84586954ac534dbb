package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceOperationsTest {

    @Test
    void aJavaServletServiceIsReadFromServletRequestNotFromItsOutgoingHttpRequestSpans() {
        TraceOperations.Choice choice =
                TraceOperations.choose("http.request", null, Set.of("servlet.request", "http.request"));
        assertThat(choice.used()).isEqualTo("servlet.request");
        assertThat(choice.source()).isEqualTo(TraceOperations.Source.detected);
        assertThat(choice.detected()).containsExactly("http.request", "servlet.request");
        assertThat(choice.hint()).isNull();
    }

    @Test
    void aGoServiceWithOnlyHttpRequestKeepsIt() {
        TraceOperations.Choice choice = TraceOperations.choose("http.request", null, Set.of("http.request"));
        assertThat(choice.used()).isEqualTo("http.request");
        assertThat(choice.source()).isEqualTo(TraceOperations.Source.detected);
        assertThat(choice.hint()).isNull();
    }

    @Test
    void anOperationSetInTheSpecIsKeptAndAHintNamesTheOneWithData() {
        TraceOperations.Choice choice =
                TraceOperations.choose("http.request", "netty.request", Set.of("servlet.request", "http.request"));
        assertThat(choice.used()).isEqualTo("netty.request");
        assertThat(choice.source()).isEqualTo(TraceOperations.Source.spec);
        assertThat(choice.configured()).isEqualTo("netty.request");
        assertThat(choice.hint()).contains("netty.request", "set spec.parameters.traceOperation: servlet.request");
    }

    @Test
    void twoEntryOperationsWithDataAreNotGuessedBetween() {
        TraceOperations.Choice choice =
                TraceOperations.choose("http.request", null, Set.of("servlet.request", "grpc.server"));
        assertThat(choice.used()).isEqualTo("http.request");
        assertThat(choice.source()).isEqualTo(TraceOperations.Source.profile);
        assertThat(choice.hint()).contains("grpc.server, servlet.request");
    }

    @Test
    void beforeTheFirstCheckTheProfileDefaultIsUsedWithoutHint() {
        TraceOperations.Choice choice = TraceOperations.choose("http.request", null, null);
        assertThat(choice.used()).isEqualTo("http.request");
        assertThat(choice.source()).isEqualTo(TraceOperations.Source.profile);
        assertThat(choice.detected()).isNull();
        assertThat(choice.hint()).isNull();
    }
}
