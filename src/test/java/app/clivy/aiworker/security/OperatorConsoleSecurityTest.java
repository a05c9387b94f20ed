package app.clivy.aiworker.security;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's console after login: Jolokia runs the operations an operator needs (route
 * stop/start, worker pause/resume) and refuses what sends to an endpoint or evaluates an expression;
 * the session cookie is SameSite=Strict, a cookie-only cross-site GET or POST does nothing, /api takes
 * no session at all; failed logins are throttled.
 */
@DirtiesContext
@DisableJmx(false) // Camel's MBeans, as in production
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the throttle (it locks this client out) last
@TestPropertySource(properties = {"spring.jmx.enabled=true", "ai-worker.admin.user=operator",
        // application.yaml's values (bundle-test.properties shows the details to every test)
        "management.endpoint.health.show-details=when-authorized", "management.endpoint.health.show-components=when-authorized",
        "ai-worker.admin.password=" + OperatorConsoleSecurityTest.PASSWORD})
class OperatorConsoleSecurityTest extends WorkerTest {

    static final String PASSWORD = "op-Console-Secret-9";
    static final String API_KEY = "sk-or-v1-test-secret-0123456789"; // WorkerTest's key
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKER = "app.clivy.aiworker:type=Worker,name=worker";

    /** A logged-in browser: its cookies (session, XSRF-TOKEN) as a browser keeps them. */
    private final class Browser {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String session;
        String xsrf;

        Browser login() throws Exception {
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(console("/login")).GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
            assertThat(csrf.find()).as(form.body()).isTrue();
            String body = "username=operator&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                    + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
            HttpResponse<String> done = http.send(HttpRequest.newBuilder(console("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).isEqualTo(302);
            assertThat(done.headers().firstValue("Location").orElse("")).doesNotContain("error");
            String setCookie = String.join("\n", done.headers().allValues("Set-Cookie"));
            assertThat(setCookie).contains("JSESSIONID").contains("SameSite=Strict").contains("HttpOnly");
            // the console page: Hawtio's XSRF-TOKEN cookie
            http.send(get("/actuator/hawtio/").build(), HttpResponse.BodyHandlers.ofString());
            var cookies = ((CookieManager) http.cookieHandler().orElseThrow()).getCookieStore().getCookies();
            session = cookies.stream().filter(c -> c.getName().equals("JSESSIONID")).findFirst().orElseThrow().getValue();
            xsrf = cookies.stream().filter(c -> c.getName().equals("XSRF-TOKEN")).map(c -> c.getValue()).findFirst().orElse(null);
            return this;
        }

        /** A Jolokia request as Hawtio sends it: POST with the session and the CSRF token. */
        JsonNode jolokia(ObjectNode request) throws Exception {
            HttpRequest.Builder post = HttpRequest.newBuilder(uri("/actuator/jolokia"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request.toString()));
            if (xsrf != null) {
                post.header("X-XSRF-TOKEN", xsrf);
            }
            HttpResponse<String> res = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(res.body()).doesNotContain(API_KEY);
            return JSON.readTree(res.body());
        }
    }

    private URI uri(String path) {
        return url(path);
    }

    /** On the management port, where Hawtio and Jolokia are: the console's login and its session. */
    private URI console(String path) {
        return URI.create("http://localhost:" + managementPort + path);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET();
    }

    private static ObjectNode exec(String mbean, String operation, Object... arguments) {
        ObjectNode request = JSON.createObjectNode().put("type", "exec").put("mbean", mbean).put("operation", operation);
        var args = request.putArray("arguments");
        for (Object a : arguments) {
            args.add(a == null ? null : a.toString());
        }
        return request;
    }

    @Test
    void jolokiaRunsTheOperatorsOperationsAndNoEndpointOrExpression() throws Exception {
        Browser browser = new Browser().login();
        JsonNode contexts = browser.jolokia(JSON.createObjectNode().put("type", "search").put("mbean", "org.apache.camel:type=context,*"));
        String context = contexts.get("value").get(0).asText();

        String[][] refused = {
                {"requestStringBody(java.lang.String,java.lang.Object)", "language:simple:${env:OPENROUTER_API_KEY}", "x"},
                {"requestBody(java.lang.String,java.lang.Object)", "language:simple:${env:OPENROUTER_API_KEY}", "x"},
                {"sendBody(java.lang.String,java.lang.Object)", "log:steal?showAll=true", "x"},
                {"requestBody(java.lang.String,java.lang.Object)", "sql:SELECT current_setting('data_directory')", "x"},
                {"sendStringBody(java.lang.String,java.lang.String)", "file:/tmp/steal", "x"},
        };
        for (String[] call : refused) {
            JsonNode answer = browser.jolokia(exec(context, call[0], call[1], call[2]));
            assertThat(answer.get("status").asInt()).as(call[0] + " " + call[1] + ": " + answer).isEqualTo(403);
        }
        assertThat(browser.jolokia(exec("org.apache.camel:context=*,type=routes,name=\"intake\"", "updateRouteFromXml(java.lang.String)",
                "<route/>")).get("status").asInt()).isNotEqualTo(200);
        ObjectNode write = JSON.createObjectNode().put("type", "write").put("mbean", WORKER).put("attribute", "Paused").put("value", true);
        assertThat(browser.jolokia(write).get("status").asInt()).isNotEqualTo(200);

        // what an operator needs: stop and start a route, pause and resume the worker
        String route = context.replace("type=context", "type=routes").replaceAll("name=\"[^\"]*\"", "name=\"intake-verify\"");
        assertThat(browser.jolokia(exec(route, "stop()")).get("status").asInt()).isEqualTo(200);
        assertThat(browser.jolokia(JSON.createObjectNode().put("type", "read").put("mbean", route).put("attribute", "State"))
                .get("value").asText()).isEqualTo("Stopped");
        assertThat(browser.jolokia(exec(route, "start()")).get("status").asInt()).isEqualTo(200);
        assertThat(browser.jolokia(exec(WORKER, "pause()")).get("status").asInt()).isEqualTo(200);
        try {
            assertThat(browser.jolokia(JSON.createObjectNode().put("type", "read").put("mbean", WORKER).put("attribute", "Paused"))
                    .get("value").asBoolean()).isTrue();
        } finally {
            assertThat(browser.jolokia(exec(WORKER, "resume()")).get("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void aCookieOnlyCrossSiteGetOrPostDoesNothing() throws Exception {
        Browser browser = new Browser().login();
        HttpClient bare = HttpClient.newHttpClient();
        String cookie = "JSESSIONID=" + browser.session;
        // a cross-site page's <img src> / link: a GET that would exec
        HttpResponse<String> get = bare.send(get("/actuator/jolokia/exec/" + WORKER + "/pause").header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).as(get.body()).isIn(401, 403);
        HttpResponse<String> getP = bare.send(get("/actuator/jolokia/read/java.lang:type=Memory?p=/exec/" + WORKER + "/pause")
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(getP.statusCode()).isIn(401, 403);
        // a cross-site form: a POST with the cookie and no CSRF token
        ObjectNode pause = exec(WORKER, "pause()");
        HttpResponse<String> post = bare.send(HttpRequest.newBuilder(uri("/actuator/jolokia")).header("Cookie", cookie)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(pause.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(403);
        // the admin API takes no session: the cookie alone is no login there
        long job = postMessage("console csrf");
        HttpResponse<String> retry = bare.send(HttpRequest.newBuilder(uri("/api/jobs/" + job + "/retry")).header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(retry.statusCode()).isEqualTo(401);
        assertThat(bare.send(get("/api/jobs").header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        assertThat(browser.jolokia(JSON.createObjectNode().put("type", "read").put("mbean", WORKER).put("attribute", "Paused"))
                .get("value").asBoolean()).isFalse();
    }

    @Test
    void anonymousHealthHasNoDetailsAndTheOperatorSeesThem() throws Exception {
        var yaml = new org.springframework.beans.factory.config.YamlPropertiesFactoryBean();
        yaml.setResources(new org.springframework.core.io.FileSystemResource("application.yaml"));
        assertThat(yaml.getObject()).containsEntry("management.endpoint.health.show-details", "when-authorized")
                .containsEntry("management.endpoint.health.show-components", "when-authorized");
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> anonymous = http.send(get(path).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(200);
            assertThat(anonymous.body()).as(path).contains("\"status\":\"UP\"").doesNotContain("components")
                    .doesNotContain("details").doesNotContain("breaker").doesNotContain("postgres").doesNotContain("version");
        }
        String operator = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes());
        assertThat(http.send(get("/actuator/health").header("Authorization", operator).build(), HttpResponse.BodyHandlers.ofString())
                .body()).contains("components");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void fiftyWrongPasswordsAreThrottled() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String wrong = "Basic " + Base64.getEncoder().encodeToString("operator:guess".getBytes());
        int throttled = 0;
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> res = http.send(get("/api/jobs").header("Authorization", wrong).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isIn(401, 429);
            if (res.statusCode() == 429) {
                throttled++;
                assertThat(res.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(throttled).isGreaterThanOrEqualTo(40);
        // the right password from the same client waits out the window too
        String right = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes());
        assertThat(http.send(get("/api/jobs").header("Authorization", right).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(429);
    }
}
