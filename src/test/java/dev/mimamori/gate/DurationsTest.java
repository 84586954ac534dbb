package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.api.AnalysisSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsTheShortFormsPeopleWrite() {
        assertThat(Durations.parse("90s", null)).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1h30m", null)).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("", Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("168h", null)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aHugeNumberIsRefusedWithAClearMessageInsteadOfOverflowing() {
        assertThatThrownBy(() -> Durations.parse("9223372036854775807h", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"9223372036854775807h\" is longer than 168h, the longest duration accepted");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999999s", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longest duration accepted");
        assertThatThrownBy(() -> Durations.parse("100h100h", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than 168h");
    }

    @Test
    void textThatIsNotADurationIsRefused() {
        assertThatThrownBy(() -> Durations.parse("5 minutes", null))
                .hasMessage("\"5 minutes\" is not a duration such as 90s, 2m or 1h30m");
        assertThatThrownBy(() -> Durations.parse("-5m", null)).hasMessageContaining("is not a duration");
    }

    @Test
    void analysisSettingsNameTheFieldThatIsTooLong() {
        AnalysisSpec spec = new AnalysisSpec();
        spec.warmup = "9223372036854775807h";
        assertThatThrownBy(() -> AnalysisSettings.of(spec))
                .hasMessageStartingWith("analysis.warmup: \"9223372036854775807h\" is longer than 168h");
    }
}
