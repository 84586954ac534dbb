# The mimamori operator on a JVM. Build the application first, then the image:
#   make build                                   # mvn package -DskipTests -> target/quarkus-app
#   docker build -t registry.example.com/mimamori-operator:0.1.0 .
# docs/operations.md explains the steps and the native alternative.
FROM eclipse-temurin:17-jre

# UID 185 is the user deploy/deployment.yaml runs as (runAsUser: 185); named so that the JVM has a home.
RUN useradd --uid 185 --user-group --home-dir /deployments --no-create-home --shell /usr/sbin/nologin mimamori

WORKDIR /deployments
# Quarkus's fast-jar layout, libraries first: a change to the operator's own code rebuilds only the last layers.
COPY --chown=185:185 target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185:185 target/quarkus-app/*.jar /deployments/
COPY --chown=185:185 target/quarkus-app/app/ /deployments/app/
COPY --chown=185:185 target/quarkus-app/quarkus/ /deployments/quarkus/

USER 185
EXPOSE 8080
# JAVA_OPTS_APPEND carries the Deployment's JVM flags (-XX:MaxRAMPercentage=75); exec makes java PID 1, so it gets SIGTERM.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar \"$@\"", "mimamori"]
