package dev.mimamori;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The operator jar's entry point. {@code render ...} previews monitors and exits without starting the operator (no
 * cluster, no Datadog needed); anything else runs the operator.
 */
@QuarkusMain
public final class Main {

    Main() {
    }

    public static void main(String... args) {
        if (args.length > 0 && "render".equals(args[0])) {
            System.exit(RenderCommand.run(args, System.out, System.err));
        }
        Quarkus.run(args);
    }
}
