package dev.mimamori.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeExpressionTest {

    @Test
    void namesBecomeIdsAndOperatorsStay() {
        String expression = "latency-p95 && !(cpu-throttling || memory-near-limit)";
        assertThat(CompositeExpression.members(expression))
                .containsExactly("latency-p95", "cpu-throttling", "memory-near-limit");
        assertThat(CompositeExpression.withIds(
                        expression, Map.of("latency-p95", "11", "cpu-throttling", "22", "memory-near-limit", "33")))
                .isEqualTo("11 && !(22 || 33)");
    }

    @Test
    void anythingButNamesAndLogicIsRefused() {
        assertThatThrownBy(() -> CompositeExpression.members("latency-p95 && 123"))
                .hasMessageContaining("\"123\"");
        assertThatThrownBy(() -> CompositeExpression.members("latency-p95 && avg:x{*} > 1"))
                .hasMessageContaining("where a monitor name");
        assertThatThrownBy(() -> CompositeExpression.members("(latency-p95 && cpu-throttling"))
                .hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> CompositeExpression.members("latency-p95")).hasMessageContaining("at least two");
    }
}
