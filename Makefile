# mimamori: the two commands a newcomer needs are `make demo` and `make test`.
MVN ?= mvn -B -ntp
JAVA ?= java
TEST_CP_FILE := target/test-classpath.txt
APP := target/quarkus-app/quarkus-run.jar

.PHONY: test build demo bench bench-economy reliability render judge crds clean format

## Run every test (unit and integration; the operator against the mock API server and the Datadog simulator).
test:
	$(MVN) verify

## Build the operator (target/quarkus-app) without running tests.
build:
	$(MVN) package -DskipTests

$(TEST_CP_FILE): pom.xml
	$(MVN) -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CP_FILE)

## A cluster-free, account-free demonstration (DEMO_KEEP=1 keeps it running for kubectl).
demo:
	$(MVN) package -DskipTests
	$(MVN) -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CP_FILE)
	$(JAVA) -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp target/test-classes:target/classes:$$(cat $(TEST_CP_FILE)) dev.mimamori.demo.Demo

RUN_TEST_CLASS = $(JAVA) -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp target/test-classes:target/classes:$$(cat $(TEST_CP_FILE))
# The scale benchmark's JVM holds the mock API server and the simulated Datadog organisation: at 5,000 services that
# is 70,000 monitors, 5,000 ServiceMonitorings and ~37,000 workloads, far more than the operator it measures.
RUN_SCALE_BENCH = $(subst -Xmx512m,-Xmx3g,$(RUN_TEST_CLASS))

## Benchmarks: the packaged operator at 100, 1,000 and 5,000 services (writes docs/performance.md) and the gate's
## verdict quality (docs/gate.md). BENCH_SIZES=100,1000 runs fewer sizes. `make bench-economy` runs the older
## Datadog-side economy benchmark (no Kubernetes), which the first one supersedes.
bench:
	$(MVN) package -DskipTests
	$(MVN) -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CP_FILE)
	$(RUN_SCALE_BENCH) dev.mimamori.bench.OperatorScaleBenchmark
	$(RUN_TEST_CLASS) dev.mimamori.gate.GateQualityBenchmark
	$(RUN_TEST_CLASS) dev.mimamori.gate.AttributionBenchmark

bench-economy:
	$(MVN) package -DskipTests
	$(MVN) -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CP_FILE)
	$(RUN_TEST_CLASS) dev.mimamori.bench.EconomyBenchmark

## The fault runs with their full counts (20+ operator kills); `make test` runs them with small counts.
reliability:
	$(MVN) package -DskipTests
	$(MVN) failsafe:integration-test failsafe:verify -Dmimamori.kills=20

## Print the Datadog monitors a ServiceMonitoring file would produce: make render FILE=examples/servicemonitoring.yaml [PROFILE=...]
render:
	@test -f $(APP) || $(MVN) -q package -DskipTests
	@$(JAVA) -jar $(APP) render -f $(FILE) $(if $(PROFILE),--profile $(PROFILE),)

## Replay the gate on recorded series, one JSON case per line: make judge FILE=examples/judge-cases.jsonl
judge:
	@test -f $(APP) || $(MVN) -q package -DskipTests
	@$(JAVA) -jar $(APP) judge -f $(FILE)

## Format the code as the build does (palantir-java-format through Spotless; every build runs it too).
format:
	$(MVN) -q spotless:apply

## Refresh crds/ from the Java types (a test fails while they differ).
crds:
	$(MVN) -q package -DskipTests
	cp target/kubernetes/*.mimamori.dev-v1.yml crds/

clean:
	$(MVN) -q clean
