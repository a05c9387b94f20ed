package app.clivy.aiworker.platform.sql;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.component.sql.SqlEndpoint;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * camel-sql's named parameters ({@code :#name}, {@code :#${expression}}), with the same meaning,
 * planned once per statement instead of on every execution.
 *
 * <p>The stock strategy, on every execution, parses the statement again with regular expressions
 * and, for every parameter, converts the body to a {@code Map} twice (a body that is not a map makes
 * each conversion scan the whole type-converter registry) and copies the whole exchange to evaluate
 * a {@code ${...}} parameter. A profile of the worker under load put about a quarter of its CPU
 * there. Here a statement's parameters are parsed once into a plan (a name, or a compiled simple
 * expression), and an execution only looks the values up: a name in the body map, then the headers,
 * then the variables, as before (a body type with no conversion to a map is remembered as such); an
 * expression evaluated on the exchange, whose body is the same ({@code ${variable.job[id]}} and
 * {@code ${bean:workerNode.getId}} read directly, see {@link #expression}).
 * Statements with {@code :#in:} lists and batch executions keep the stock strategy.
 */
public class PlannedSqlParameters extends DefaultSqlPrepareStatementStrategy {

    private static final String IN_LIST = ":?in:";
    private static final Pattern VARIABLE_KEY = Pattern.compile("\\$\\{variable\\.(\\w+)\\[(\\w+)]}");
    private static final Pattern BEAN_GETTER = Pattern.compile("\\$\\{bean:(\\w+)\\.(\\w+)}");

    /** One named parameter of a statement: a message key or a simple expression. */
    private record Parameter(String name, Expression expression) {
    }

    private final Map<String, String> preparedQueries = new ConcurrentHashMap<>();
    private final Map<String, List<Parameter>> plans = new ConcurrentHashMap<>();
    private final Map<Class<?>, Boolean> notMaps = new ConcurrentHashMap<>();

    @Override
    public String prepareQuery(String query, boolean allowNamedParameters, Exchange exchange) throws SQLException {
        if (!allowNamedParameters || query.contains(IN_LIST)) {
            return super.prepareQuery(query, allowNamedParameters, exchange);
        }
        String prepared = preparedQueries.get(query);
        if (prepared == null) {
            // without :?in: lists the prepared text depends on the statement alone
            prepared = super.prepareQuery(query, true, exchange);
            preparedQueries.put(query, prepared);
        }
        return prepared;
    }

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams,
                                              Exchange exchange, Object value) throws SQLException {
        boolean batchRow = value != exchange.getMessage().getBody();
        if (batchRow || query.contains(IN_LIST)) {
            return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, value);
        }
        List<Parameter> plan = plans.computeIfAbsent(query, q -> plan(q, exchange.getContext()));
        if (plan.isEmpty()) {
            return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, value);
        }
        Map<?, ?> bodyMap = null;
        boolean bodyMapRead = false;
        List<Object> values = new ArrayList<>(plan.size());
        for (Parameter parameter : plan) {
            if (parameter.expression() != null) {
                values.add(parameter.expression().evaluate(exchange, Object.class));
                continue;
            }
            if (!bodyMapRead) {
                bodyMap = bodyAsMap(exchange, value);
                bodyMapRead = true;
            }
            values.add(lookup(parameter.name(), bodyMap, exchange, query));
        }
        return values.iterator();
    }

    private Map<?, ?> bodyAsMap(Exchange exchange, Object body) {
        if (body == null || body instanceof Map<?, ?>) {
            return (Map<?, ?>) body;
        }
        if (notMaps.containsKey(body.getClass())) {
            return null;
        }
        Map<?, ?> map = exchange.getContext().getTypeConverter().tryConvertTo(Map.class, exchange, body);
        if (map == null) {
            // a failed conversion scans every converter: a body type that has none is not tried again
            notMaps.put(body.getClass(), Boolean.TRUE);
        }
        return map;
    }

    private static Object lookup(String name, Map<?, ?> bodyMap, Exchange exchange, String query) {
        if (bodyMap != null && bodyMap.containsKey(name)) {
            return bodyMap.get(name);
        }
        Map<String, Object> headers = exchange.getIn().getHeaders();
        if (headers.containsKey(name)) {
            return headers.get(name);
        }
        Map<String, Object> variables = exchange.getVariables();
        if (variables.containsKey(name)) {
            return variables.get(name);
        }
        throw new RuntimeExchangeException(String.format(
                "Cannot find key [%s] in message body or headers to use when setting named parameter in query [%s]",
                name, query), exchange);
    }

    /** The statement's named parameters in order: {@code :?name}, {@code :?${...}}, {@code :?$simple{...}}. */
    static List<Parameter> plan(String query, CamelContext context) {
        List<Parameter> plan = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = query.indexOf(":?", from);
            if (at < 0) {
                return List.copyOf(plan);
            }
            int start = at + 2;
            if (query.startsWith("${", start) || query.startsWith("$simple{", start)) {
                int end = closingBrace(query, query.indexOf('{', start));
                String text = query.substring(start, end + 1);
                plan.add(new Parameter(null, expression(text, context)));
                from = end + 1;
                continue;
            }
            int end = start;
            while (end < query.length() && (Character.isLetterOrDigit(query.charAt(end)) || query.charAt(end) == '_')) {
                end++;
            }
            if (end > start) {
                plan.add(new Parameter(query.substring(start, end), null));
            }
            from = Math.max(end, start);
        }
    }

    /**
     * A {@code ${...}} parameter as an expression. The two shapes the statements use most are read
     * directly, because simple evaluates them through the bean language, which copies the whole
     * exchange each time: a key of a map variable ({@code ${variable.job[id]}}) and a getter of a
     * bean ({@code ${bean:workerNode.getId}}). Anything else, or a variable that is not a map, is
     * simple's own evaluation.
     */
    static Expression expression(String text, CamelContext context) {
        Expression simple = context.resolveLanguage("simple").createExpression(text);
        Matcher key = VARIABLE_KEY.matcher(text);
        if (key.matches()) {
            return new VariableKey(key.group(1), key.group(2), simple);
        }
        Matcher getter = BEAN_GETTER.matcher(text);
        if (getter.matches()) {
            Object bean = context.getRegistry().lookupByName(getter.group(1));
            Method method = bean == null ? null : noArgumentMethod(bean.getClass(), getter.group(2));
            if (method != null) {
                return new BeanGetter(bean, method);
            }
        }
        return simple;
    }

    private static Method noArgumentMethod(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name);
            return method.getReturnType() == void.class ? null : method;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** {@code ${variable.name[key]}} of a map variable. */
    private record VariableKey(String variable, String key, Expression simple) implements Expression {
        @Override
        public <T> T evaluate(Exchange exchange, Class<T> type) {
            return exchange.getVariable(variable) instanceof Map<?, ?> map ? type.cast(map.get(key)) : simple.evaluate(exchange, type);
        }
    }

    /** {@code ${bean:name.method}}: the bean's public method without arguments. */
    private record BeanGetter(Object bean, Method method) implements Expression {
        @Override
        public <T> T evaluate(Exchange exchange, Class<T> type) {
            try {
                return type.cast(method.invoke(bean));
            } catch (InvocationTargetException e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e.getCause());
            } catch (IllegalAccessException e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
        }
    }

    private static int closingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("String doesn't have equal opening and closing brackets: " + text);
    }

    /** Every sql endpoint without a strategy of its own gets this one (routes need not name it). */
    @Configuration(proxyBeanMethods = false)
    static class Installation {

        @Bean
        CamelContextConfiguration plannedSqlParameters() {
            PlannedSqlParameters strategy = new PlannedSqlParameters();
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext context) {
                    context.getCamelContextExtension().registerEndpointCallback((uri, endpoint) -> use(strategy, endpoint));
                }

                @Override
                public void afterApplicationStart(CamelContext context) {
                }
            };
        }

        private static Endpoint use(PlannedSqlParameters strategy, Endpoint endpoint) {
            if (endpoint instanceof SqlEndpoint sql && sql.getPrepareStatementStrategy() == null) {
                sql.setPrepareStatementStrategy(strategy);
            }
            return endpoint;
        }
    }
}
