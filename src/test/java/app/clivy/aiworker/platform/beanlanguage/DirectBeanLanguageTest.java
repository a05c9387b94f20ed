package app.clivy.aiworker.platform.beanlanguage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.language.bean.BeanLanguage;
import org.apache.camel.language.bean.RuntimeBeanExpressionException;
import org.apache.camel.spi.Language;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bean language without the exchange copy gives what the stock one gives, on the route's own
 * exchange, and leaves to the stock one what it does not know.
 */
class DirectBeanLanguageTest {

    public static class Shop {
        public int calls;

        public String greet(String instance, int times, Map<String, Object> job) {
            calls++;
            return instance + "x" + times + ":" + job.get("chat");
        }

        public String fail(String why) {
            throw new IllegalStateException(why);
        }

        public String overloaded(String a) {
            return "one";
        }

        public String overloaded(Integer a) {
            return "other";
        }

        public String withExchange(Exchange exchange) {
            return "bound";
        }

        public int leaseSeconds() {
            return 45;
        }
    }

    private CamelContext camel;
    private final Shop shop = new Shop();

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("bean-language", new DirectBeanLanguage());
        camel.getRegistry().bind("shop", shop);
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private Exchange exchange() {
        Exchange exchange = new DefaultExchange(camel);
        Map<String, Object> job = new HashMap<>(Map.of("instance", "toko", "chat", "628@s.whatsapp.net", "id", 7L));
        exchange.setVariable("job", job);
        exchange.getMessage().setBody("the body");
        return exchange;
    }

    private Expression method(Language language, String ref, String method) {
        return language.createExpression(null, new Object[] {null, null, method, null, ref, null, null});
    }

    private Language stock() {
        BeanLanguage stock = new BeanLanguage();
        stock.setCamelContext(camel);
        stock.start();
        return stock;
    }

    @Test
    void camelResolvesTheBeanLanguageToOurs() {
        assertThat(camel.resolveLanguage("bean")).isInstanceOf(DirectBeanLanguage.class);
    }

    @Test
    void aMethodWithItsArgumentsGivesWhatTheStockLanguageGivesAndLeavesTheExchangeAsItWas() {
        String call = "greet(${variable.job[instance]}, '3', ${variable.job})";
        Exchange exchange = exchange();
        Object ours = method(camel.resolveLanguage("bean"), "shop", call).evaluate(exchange, Object.class);
        Object theirs = method(stock(), "shop", call).evaluate(exchange(), Object.class);
        assertThat(ours).isEqualTo(theirs).isEqualTo("tokox3:628@s.whatsapp.net");
        assertThat(exchange.getMessage().getBody()).isEqualTo("the body");
        assertThat(exchange.getVariables()).containsOnlyKeys("job");
        assertThat(method(camel.resolveLanguage("bean"), "shop", call).toString()).startsWith("DirectCall");
    }

    @Test
    void simplesMapKeyIsTheMapsEntry() {
        Expression key = camel.resolveLanguage("simple").createExpression("${variable.job[instance]}");
        key.init(camel);
        assertThat(key.evaluate(exchange(), String.class)).isEqualTo("toko");
        assertThat(camel.resolveLanguage("simple").createPredicate("${variable.job[human_until]} == null").matches(exchange()))
                .isTrue();
        assertThat(camel.resolveLanguage("simple").createPredicate("${variable.job[id]} > 5").matches(exchange())).isTrue();
        // what simple hands the bean language for "[instance]": our map lookup, not a stock bean expression
        Object job = exchange().getVariable("job");
        assertThat(camel.resolveLanguage("bean").createExpression(null, new Object[] {null, job, "[instance]"}).toString())
                .isEqualTo("[instance]");
    }

    record Failure(long delayMs, boolean lastAttempt) {
    }

    @Test
    void aValuesOwnMethodsAndABeansMethodWithoutParametersAreCalledDirectly() {
        Exchange exchange = exchange();
        exchange.setVariable("failure", new Failure(1500, true));
        exchange.getMessage().setBody(List.of("a", "b"));
        Language simple = camel.resolveLanguage("simple");
        assertThat(simple.createExpression("${body.size}").evaluate(exchange, Integer.class)).isEqualTo(2);
        assertThat(simple.createPredicate("${body.isEmpty()}").matches(exchange)).isFalse();
        assertThat(simple.createExpression("${variable.failure.delayMs}").evaluate(exchange, Long.class)).isEqualTo(1500L);
        assertThat(simple.createPredicate("${variable.failure.lastAttempt}").matches(exchange)).isTrue();
        assertThat(camel.resolveLanguage("bean").createExpression(null, new Object[] {null, List.of(1), ".size"}).toString())
                .startsWith("DirectCall");
        Expression lease = method(camel.resolveLanguage("bean"), "shop", "leaseSeconds");
        assertThat(lease.toString()).startsWith("DirectCall");
        assertThat(lease.evaluate(exchange, Integer.class)).isEqualTo(method(stock(), "shop", "leaseSeconds").evaluate(exchange(), Integer.class))
                .isEqualTo(45);
    }

    @Test
    void aBeansExceptionReachesTheRouteAsTheStockLanguageHandsItOn() {
        // text the stock language reads as OGNL (a "[" or "."): thrown, wrapped
        String ognl = "fail(${variable.job[instance]})";
        assertThatThrownBy(() -> method(camel.resolveLanguage("bean"), "shop", ognl).evaluate(exchange(), Object.class))
                .isInstanceOf(RuntimeBeanExpressionException.class).hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("toko");
        assertThatThrownBy(() -> method(stock(), "shop", ognl).evaluate(exchange(), Object.class))
                .isInstanceOf(RuntimeBeanExpressionException.class).hasRootCauseInstanceOf(IllegalStateException.class);
        // plain text: set on the exchange, the value null
        for (Language language : List.of(camel.resolveLanguage("bean"), stock())) {
            Exchange exchange = exchange();
            assertThat(method(language, "shop", "fail('closed')").evaluate(exchange, Object.class)).isNull();
            assertThat(exchange.getException()).isInstanceOf(IllegalStateException.class).hasMessage("closed");
        }
    }

    @Test
    void whatItDoesNotKnowGoesToTheStockLanguage() {
        Language ours = camel.resolveLanguage("bean");
        assertThat(method(ours, "shop", "overloaded('x')").toString()).doesNotStartWith("DirectCall");
        assertThat(method(ours, "shop", "withExchange").toString()).doesNotStartWith("DirectCall");
        assertThat(method(ours, "shop", "withExchange").evaluate(exchange(), String.class)).isEqualTo("bound");
        // an argument that does not convert to the parameter's type: the stock binding decides (and fails)
        assertThatThrownBy(() -> method(ours, "shop", "greet('a', 'not a number', ${variable.job})").evaluate(exchange(), Object.class))
                .isInstanceOf(RuntimeException.class);
        assertThat(method(ours, "shop", "greet(*, '3', ${variable.job})").toString()).doesNotStartWith("DirectCall");
        assertThat(DirectBeanLanguage.arguments("a, ${x(1, 2)}, 'b, c'")).containsExactly("a", "${x(1, 2)}", "'b, c'");
    }
}
