package io.rune.storage.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract check itself, in front of a tiny server of this test that answers what each
 * test tells it to: answers openapi.yaml declares pass, others are reported with the request,
 * the operation, the status and the validator's message.
 */
class ContractProxyTest {
  private Vertx vertx;
  private HttpServer fake;
  private Consumer<HttpServerRequest> answer;
  private ContractProxy proxy;
  private Http http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = TestServer.await(vertx.createHttpServer().requestHandler(request -> answer.accept(request))
        .listen(0, "127.0.0.1"));
    proxy = ContractProxy.start(0, fake.actualPort());
    http = new Http("http://127.0.0.1:" + proxy.port(), "token");
  }

  @AfterEach
  void stop() {
    proxy.close();
    TestServer.await(vertx.close());
  }

  private void answering(int status, String json) {
    answer = request -> request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
  }

  @Test
  void anExchangeTheContractDeclaresPasses() {
    answering(200, "{\"status\":\"ok\"}");

    Http.Response response = http.get("/healthz");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().getString("status")).isEqualTo("ok");
    assertThat(proxy.takeViolations()).isEmpty();
  }

  @Test
  void aBodyTheOperationDoesNotDeclareIsAViolationNamingOperationAndStatus() {
    answering(200, "{\"status\":\"fine\"}");

    Http.Response response = http.get("/healthz");

    assertThat(response.status()).as("the client still gets the server's answer").isEqualTo(200);
    assertThat(proxy.takeViolations()).singleElement().asString()
        .contains("GET /healthz (healthz) answered 200")
        .contains("status");
  }

  @Test
  void aStatusTheOperationDoesNotListIsAViolation() {
    answering(418, "{\"error\":{\"code\":\"NotFound\",\"message\":\"a teapot\"}}");

    http.get("/api/v1/namespaces/default/volumes/web");

    assertThat(proxy.takeViolations()).singleElement().asString()
        .contains("GET /api/v1/namespaces/default/volumes/web (getVolume) answered 418");
  }

  @Test
  void anErrorCodeOutsideTheEnumIsAViolation() {
    answering(404, "{\"error\":{\"code\":\"NoSuchThing\",\"message\":\"volume web not found\"}}");

    http.get("/api/v1/namespaces/default/volumes/web");

    assertThat(proxy.takeViolations()).singleElement().asString()
        .contains("(getVolume) answered 404");
  }

  @Test
  void aRequestInvalidByDesignAnsweredWithADeclaredErrorPasses() {
    answering(400, "{\"error\":{\"code\":\"MalformedBody\",\"message\":\"size must be a quantity\",\"field\":\"size\"}}");

    http.post("/api/v1/namespaces/default/volumes",
        new io.vertx.core.json.JsonObject().put("name", "web").put("size", true));

    assertThat(proxy.takeViolations()).isEmpty();
  }

  @Test
  void aRequestTheContractRefusesAnsweredWithSuccessIsAViolation() {
    answering(200, "{\"status\":\"ok\"}");

    http.get("/api/v1/namespaces/default/volumes?limit=0");

    assertThat(proxy.takeViolations()).anySatisfy(line -> assertThat(line)
        .contains("(listVolumes) answered 200, yet openapi.yaml refuses the request").contains("limit"));
  }

  @Test
  void textAndYamlAnswersAreCheckedAsTheirOperationsDeclare() {
    answer = request -> request.response().putHeader("Content-Type",
        request.path().equals("/metrics") ? "text/plain; version=0.0.4" : "application/yaml")
        .end(request.path().equals("/metrics") ? "rune_up 1\n" : "openapi: 3.0.3\n");

    assertThat(http.get("/metrics").status()).isEqualTo(200);
    assertThat(http.get("/openapi.yaml").body()).startsWith("openapi:");

    assertThat(proxy.takeViolations()).isEmpty();
  }

  @Test
  void aYamlBodyIsCheckedAsTheJsonItMeans() {
    answering(400, "{\"error\":{\"code\":\"MalformedBody\",\"message\":\"size must be a quantity\",\"field\":\"size\"}}");

    http.send("POST", "/api/v1/namespaces/default/volumes", "name: web\nsize: [1]\n", "application/yaml");
    assertThat(proxy.takeViolations()).isEmpty();

    answering(201, "{}");
    http.send("POST", "/api/v1/namespaces/default/volumes", "name: web\nsize: [1]\n", "application/yaml");
    assertThat(proxy.takeViolations()).anySatisfy(line -> assertThat(line)
        .contains("(createVolume) answered 201, yet openapi.yaml refuses the request"));
  }

  @Test
  void aWriteOnlyFieldIsRequiredInRequestsAndRefusedInAnswers() {
    String secret = "{\"name\":\"do\",\"namespace\":\"ops\",\"resourceVersion\":\"3\",\"status\":{\"keys\":[\"token\"]}";
    answering(201, secret + "}");
    http.post("/api/v1/namespaces/ops/secrets", new io.vertx.core.json.JsonObject().put("name", "do")
        .put("data", new io.vertx.core.json.JsonObject().put("token", "t")));
    assertThat(proxy.takeViolations()).as("data sent, not returned").isEmpty();

    answering(201, secret + ",\"data\":{\"token\":\"t\"}}");
    http.post("/api/v1/namespaces/ops/secrets", new io.vertx.core.json.JsonObject().put("name", "do")
        .put("data", new io.vertx.core.json.JsonObject().put("token", "t")));
    assertThat(proxy.takeViolations()).as("data returned").singleElement().asString()
        .contains("(createSecret) answered 201").contains("data");
  }

  @Test
  void anEmptyOrHugeBodyRefusedAsTheContractSaysPasses() {
    answering(400, "{\"error\":{\"code\":\"MalformedBody\",\"message\":\"the body is empty\"}}");
    http.send("POST", "/api/v1/namespaces/default/volumes", "", "application/json");
    http.send("POST", "/api/v1/namespaces/default/volumes", "{not json", "application/json");
    http.send("POST", "/api/v1/namespaces/default/volumes", "a: [b", "application/yaml");
    http.send("POST", "/api/v1/namespaces/default/volumes", null, null);
    http.send("POST", "/api/v1/namespaces/default/volumes", "{}", null);
    answering(413, "{\"error\":{\"code\":\"BodyTooLarge\",\"message\":\"too large\"}}");
    http.send("POST", "/api/v1/namespaces/default/volumes", "{\"name\":\"" + "x".repeat(2 << 20) + "\"}",
        "application/json");

    assertThat(proxy.takeViolations()).isEmpty();

    answer = request -> request.response().setStatusCode(400).end("{}");
    http.send("POST", "/api/v1/namespaces/default/volumes", "{}", "application/json");
    assertThat(proxy.takeViolations()).singleElement().asString().contains("a body without a Content-Type");
  }

  @Test
  void aPathNoOperationHasAnsweredWithSuccessIsAViolation() {
    answering(200, "{}");

    http.get("/api/v1/gadgets");

    assertThat(proxy.takeViolations()).singleElement().asString()
        .contains("GET /api/v1/gadgets answered 200: no operation of openapi.yaml");
  }
}
