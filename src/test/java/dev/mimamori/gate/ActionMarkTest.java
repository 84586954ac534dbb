package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheckStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exactly-once mark of an action belongs to one check and one judged revision. */
class ActionMarkTest {
    private final ReleaseCheckStepTest fixture = new ReleaseCheckStepTest();

    @Test
    void aCheckNameLeftOnTheDeploymentByAnEarlierCheckOfTheSameNameDoesNotSkipTheRollback() {
        ReleaseCheckStatus failed = fixture.decidedFailed(OnFailure.Rollback);
        // Still at the judged revision 2: nothing was done for this verdict. The name is there from a check of the
        // same name (deleted and created again, as a pipeline does) that acted on revision 1 last week.
        fixture.deployment
                .getMetadata()
                .setAnnotations(Map.of(Revisions.REVISION, "2", RolloutActions.CHECK_ANNOTATION, "checkout-check"));

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(failed, fixture.observations(), ReleaseCheckStepTest.at(20));

        assertThat(step.action()).as("the rollback is carried out").isInstanceOf(ReleaseCheckStep.CarryOut.class);
    }
}
