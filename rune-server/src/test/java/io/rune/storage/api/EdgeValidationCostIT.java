package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.contract.ApiContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What validating requests at the edge with vertx-openapi would cost, beside what the same
 * requests cost the server: a volume create, a volume get, and a list of 500 volumes. Run on demand
 * ({@code -Drune.measure.validation=true}); the figures and the decision they led to are in
 * the README's API section.
 *
 * <p>Server times are medians of the whole request through the server's own port, from a
 * client in this JVM; validation times are medians of one vertx-openapi validation, after
 * warm-up, on the same machine.
 */
class EdgeValidationCostIT {
  private static final int ROUNDS = 300;

  @Test
  void measure() {
    assumeTrue(Boolean.getBoolean("rune.measure.validation"), "a measurement: -Drune.measure.validation=true");
    try (TestServer server = TestServer.external("edge-cost")) {
      Http direct = new Http("http://127.0.0.1:" + server.directPort(), server.adminToken());
      Vertx vertx = Vertx.vertx();
      try {
        RequestValidator requests = RequestValidator.create(vertx,
            TestServer.await(ApiContract.openApiContract(vertx, true)));
        ResponseValidator responses = ResponseValidator.create(vertx,
            TestServer.await(ApiContract.openApiContract(vertx, false)));

        int[] name = {0};
        double createServer = medianMicros(() -> {
          Http.Response created = direct.post("/api/v1/namespaces/cost/volumes", volume("v-" + name[0]++));
          assertThat(created.status()).isEqualTo(201);
          return Future.succeededFuture();
        });
        Buffer body = Buffer.buffer(volume("probe").encode());
        double createValidation = medianMicros(() -> requests.validate(new ValidatableRequestImpl(Map.of(), Map.of(),
            Map.of("namespace", param("cost")), Map.of(), new RequestParameterImpl(body), "application/json"),
            "createVolume"));

        double getServer = medianMicros(() -> {
          assertThat(direct.get("/api/v1/namespaces/cost/volumes/v-0").status()).isEqualTo(200);
          return Future.succeededFuture();
        });
        double getValidation = medianMicros(() -> requests.validate(new ValidatableRequestImpl(Map.of(), Map.of(),
            Map.of("namespace", param("cost"), "name", param("v-0")), Map.of(), null, null), "getVolume"));

        while (name[0] < 500) {
          assertThat(direct.post("/api/v1/namespaces/cost/volumes", volume("v-" + name[0]++)).status()).isEqualTo(201);
        }
        Http.Response list = direct.get("/api/v1/namespaces/cost/volumes?limit=500");
        assertThat(list.items()).hasSize(500);
        double listServer = medianMicros(() -> {
          assertThat(direct.get("/api/v1/namespaces/cost/volumes?limit=500").status()).isEqualTo(200);
          return Future.succeededFuture();
        });
        double listValidation = medianMicros(() -> requests.validate(new ValidatableRequestImpl(Map.of(), Map.of(),
            Map.of("namespace", param("cost")), Map.of("limit", param("500")), null, null), "listVolumes"));
        Buffer listBody = Buffer.buffer(list.body());
        double listResponseValidation = medianMicros(() -> responses.validate(
            ValidatableResponse.create(200, Map.of(), listBody, "application/json"), "listVolumes"));

        System.out.printf("EdgeValidationCostIT: volume create: server %.0f µs, request validation %.0f µs (%.1f %%)%n",
            createServer, createValidation, 100 * createValidation / createServer);
        System.out.printf("EdgeValidationCostIT: load average %s%n",
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("EdgeValidationCostIT: volume get: server %.0f µs, request validation %.0f µs (%.1f %%)%n",
            getServer, getValidation, 100 * getValidation / getServer);
        System.out.printf("EdgeValidationCostIT: list of 500: server %.0f µs, request validation %.0f µs (%.1f %%),"
            + " response validation %.0f µs (%.1f %%)%n", listServer, listValidation, 100 * listValidation / listServer,
            listResponseValidation, 100 * listResponseValidation / listServer);
      } finally {
        TestServer.await(vertx.close());
      }
    }
  }

  private static JsonObject volume(String name) {
    return new JsonObject().put("name", name).put("size", "1Gi").put("labels", new JsonObject().put("app", "cost"));
  }

  private static RequestParameter param(String value) {
    return new RequestParameterImpl(value);
  }

  /** The median wall time of one run of {@code work} (to its future's end), after a warm-up of as many runs. */
  private static double medianMicros(Supplier<Future<?>> work) {
    for (int i = 0; i < ROUNDS; i++) {
      TestServer.await(work.get());
    }
    long[] nanos = new long[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      long began = System.nanoTime();
      TestServer.await(work.get());
      nanos[i] = System.nanoTime() - began;
    }
    Arrays.sort(nanos);
    return nanos[ROUNDS / 2] / 1000.0;
  }
}
