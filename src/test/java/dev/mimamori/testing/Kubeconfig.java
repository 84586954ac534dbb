package dev.mimamori.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig for the embedded API server, for the operator process and for a person with kubectl. */
public final class Kubeconfig {

    private Kubeconfig() {}

    public static Path write(Path file, String serverUrl) throws IOException {
        return write(file, serverUrl, "default");
    }

    /**
     * {@code namespace} is the context's namespace: for the operator it plays the namespace its pod runs in (where
     * its leader-election Lease lives).
     */
    public static Path write(Path file, String serverUrl, String namespace) throws IOException {
        String server = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mimamori-demo
                  cluster:
                    server: %s
                contexts:
                - name: mimamori-demo
                  context:
                    cluster: mimamori-demo
                    user: demo
                    namespace: %s
                current-context: mimamori-demo
                users:
                - name: demo
                  user:
                    token: demo
                """.formatted(server, namespace));
        return file;
    }
}
