package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.TraceOperationStatus;
import java.util.List;
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
    void beforeTheFirstCheckOfANewServiceTheProfileDefaultIsUsedWithoutHint() {
        TraceOperations.Choice choice = TraceOperations.choose("http.request", null, null);
        assertThat(choice.used()).isEqualTo("http.request");
        assertThat(choice.source()).isEqualTo(TraceOperations.Source.profile);
        assertThat(choice.detected()).isNull();
        assertThat(choice.hint()).isNull();
    }

    @Test
    void aRestartedOperatorChoosesFromWhatTheStatusRecordedUntilItsOwnFirstCheck() {
        TraceOperationStatus recorded = new TraceOperationStatus(
                "http.request", "servlet.request", "detected", List.of("http.request", "servlet.request"));
        Set<String> seen = TraceOperations.seenOrRecorded(null, recorded, true);
        TraceOperations.Choice choice = TraceOperations.choose("http.request", null, seen);
        assertThat(choice.used()).isEqualTo("servlet.request");
        assertThat(choice.source()).isEqualTo(TraceOperations.Source.detected);

        // Its own check wins as soon as there is one: the service may have changed framework meanwhile.
        assertThat(TraceOperations.seenOrRecorded(Set.of("grpc.server"), recorded, true))
                .containsExactly("grpc.server");
    }

    @Test
    void aStatusWrittenForAnotherSpecOrWithoutACheckRecordsNothingToChooseFrom() {
        TraceOperationStatus recorded =
                new TraceOperationStatus("http.request", "servlet.request", "detected", List.of("servlet.request"));
        // The spec changed since (perhaps its service or env): what was seen then belongs to something else.
        assertThat(TraceOperations.seenOrRecorded(null, recorded, false)).isNull();
        assertThat(TraceOperations.seenOrRecorded(
                        null, new TraceOperationStatus("http.request", "http.request", "profile", null), true))
                .isNull();
        assertThat(TraceOperations.seenOrRecorded(null, null, true)).isNull();
    }
}
