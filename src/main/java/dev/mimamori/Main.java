package dev.mimamori;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The operator jar's entry point. {@code render ...} previews monitors and {@code judge ...} replays the gate on
 * recorded series; both exit without starting the operator (no cluster, no Datadog needed). Anything else runs the
 * operator.
 */
@QuarkusMain
public final class Main {

    Main() {}

    public static void main(String... args) {
        if (args.length > 0 && "render".equals(args[0])) {
            System.exit(RenderCommand.run(args, System.out, System.err));
        }
        if (args.length > 0 && "judge".equals(args[0])) {
            System.exit(JudgeCommand.run(args, System.out, System.err));
        }
        Quarkus.run(args);
    }
}
