package dev.mimamori.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig for the embedded API server, for the operator process and for a person with kubectl. */
final class Kubeconfig {

    private Kubeconfig() {
    }

    static Path write(Path file, String serverUrl) throws IOException {
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
                    namespace: default
                current-context: mimamori-demo
                users:
                - name: demo
                  user:
                    token: demo
                """.formatted(server));
        return file;
    }
}
