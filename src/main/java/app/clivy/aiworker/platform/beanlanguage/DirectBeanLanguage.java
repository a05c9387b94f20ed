package app.clivy.aiworker.platform.beanlanguage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.BeanScope;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.TypeConverter;
import org.apache.camel.language.bean.BeanLanguage;
import org.apache.camel.language.bean.RuntimeBeanExpressionException;
import org.apache.camel.spi.Language;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.support.LanguageSupport;
import org.apache.camel.util.OgnlHelper;
import org.apache.camel.util.StringHelper;
import org.springframework.stereotype.Component;

/**
 * Camel's bean language ({@code method:} in the routes, and {@code ${variable.job[instance]}} in
 * simple) without its copy of the exchange. The stock {@code BeanExpression} copies the whole
 * exchange (headers, properties, every variable) for each evaluation, so that the bean it calls
 * cannot change the route's exchange; simple's {@code ${x[key]}} even builds and validates a new
 * bean expression for each evaluation. A job evaluates dozens of them: a quarter of the worker's
 * CPU under load (bench/README.md, round 5).
 *
 * <p>Two shapes are evaluated here; everything else goes to the stock language unchanged:
 * <ul>
 *   <li>a key of a map ({@code ${variable.job[instance]}}, {@code ${body[id]}}): {@code map.get(key)},
 *       as the stock lookup does for a map;</li>
 *   <li>a registry bean's method with its arguments written out ({@code ref: jobSlots, method:
 *       "reserve(8)"}, {@code "keyword(${variable.job[instance]}, ${body})"}), when the bean has
 *       exactly one public method of that name and number of parameters and none of them is one
 *       Camel binds itself (the exchange, the message, the context): each argument is evaluated on
 *       the route's own exchange (the expression only reads it), converted to the parameter's type
 *       by Camel's type converter and the method is called. A bean's exception reaches the route
 *       as the stock language would hand it on: set on the exchange, or, for a method whose text
 *       the stock language reads as OGNL (with a {@code .} or {@code [}), thrown wrapped in a
 *       {@link RuntimeBeanExpressionException}. An argument that cannot be converted, or a null
 *       for a primitive, is left to the stock expression.</li>
 * </ul>
 *
 * <p>Registered as {@code bean-language}, the name Camel's language resolver looks up in the
 * registry before its own. Delete when Camel's bean language evaluates without a copy (nothing
 * filed upstream).
 */
@Component("bean-language")
public class DirectBeanLanguage extends BeanLanguage {

    private static final Pattern MAP_KEY = Pattern.compile("\\[\\s*(['\"]?)([^\\[\\]'\"${}.?]+)\\1\\s*]");
    private static final Pattern CALL = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*)\\((.*)\\)", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    /** OGNL's step on a value, as simple hands it over: {@code .size}, {@code ?.delayMs}, {@code .isEmpty()} */
    private static final Pattern ACCESSOR = Pattern.compile("\\??\\.([A-Za-z_$][A-Za-z0-9_$]*)(\\(\\))?");
    private static final ClassValue<Map<String, Optional<Method>>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, Optional<Method>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };
    private static final List<Class<?>> BOUND_BY_CAMEL = List.of(Exchange.class, Message.class, CamelContext.class,
            TypeConverter.class, org.apache.camel.spi.Registry.class);

    private Language simple;

    @Override
    public Expression createExpression(String expression, Object[] properties) {
        Object instance = property(Object.class, properties, 1, null);
        String method = property(String.class, properties, 2, null);
        Class<?> resultType = property(Class.class, properties, 0, null);
        if (instance instanceof Map<?, ?> map && method != null) {
            Matcher key = MAP_KEY.matcher(method.trim());
            if (key.matches()) {
                return new MapEntry(map, key.group(2).trim(), resultType);
            }
        }
        if (instance != null && method != null) {
            Matcher accessor = ACCESSOR.matcher(method.trim());
            Method target = accessor.matches() ? accessor(instance.getClass(), accessor.group(1)) : null;
            if (target != null) {
                return new DirectCall(instance, instance.getClass().getName(), target.getName(), target, new Expression[0],
                        resultType, null, true);
            }
        }
        Expression stock = super.createExpression(expression, properties);
        String ref = property(String.class, properties, 4, null);
        Object scope = property(Object.class, properties, 5, null);
        boolean singleton = scope == null || BeanScope.Singleton.name().equalsIgnoreCase(scope.toString());
        if (instance == null && ref != null && method != null && singleton
                && property(Class.class, properties, 3, null) == null) {
            Expression direct = directCall(ref, method.trim(), resultType, stock);
            if (direct != null) {
                return direct;
            }
        }
        return stock;
    }

    private Expression directCall(String ref, String method, Class<?> resultType, Expression stock) {
        Matcher call = CALL.matcher(method);
        boolean named = NAME.matcher(method).matches();
        if (!call.matches() && !named) {
            return null;
        }
        Object bean = getCamelContext().getRegistry().lookupByName(ref);
        if (named) {
            // a name alone: the stock binding picks the parameters itself, so only a method without any
            Method only = bean == null ? null : onlyMethod(bean.getClass(), method, -1);
            return only != null && only.getParameterCount() == 0 && only.getDeclaringClass() != Object.class
                    ? new DirectCall(bean, ref, method, only, new Expression[0], resultType, stock, false) : null;
        }
        List<String> arguments = arguments(call.group(2));
        if (bean == null || arguments == null) {
            return null;
        }
        Method target = onlyMethod(bean.getClass(), call.group(1), arguments.size()); // overloaded: the stock binding chooses
        if (target == null || target.getDeclaringClass() == Object.class
                || Arrays.stream(target.getParameterTypes()).anyMatch(t -> BOUND_BY_CAMEL.stream().anyMatch(b -> b.isAssignableFrom(t)))
                || Arrays.stream(target.getParameterAnnotations()).anyMatch(a -> a.length > 0)) {
            return null;
        }
        Expression[] values = new Expression[arguments.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = argument(arguments.get(i));
            if (values[i] == null) {
                return null;
            }
        }
        return new DirectCall(bean, ref, call.group(1), target, values, resultType, stock,
                OgnlHelper.isValidOgnlExpression(method));
    }

    /** The one public instance method of that name (and number of parameters, unless -1), or null when there is none or several. */
    private static Method onlyMethod(Class<?> type, String name, int parameters) {
        Method only = null;
        for (Method candidate : type.getMethods()) {
            if (candidate.getName().equals(name) && !Modifier.isStatic(candidate.getModifiers())
                    && (parameters < 0 || candidate.getParameterCount() == parameters)) {
                if (only != null) {
                    return null;
                }
                only = candidate;
            }
        }
        return only;
    }

    /**
     * The public method without parameters that OGNL's {@code .name} calls on a value: {@code name()},
     * else {@code getName()}, else {@code isName()} (a list's {@code .size}, a record's {@code .delayMs}).
     */
    private static Method accessor(Class<?> type, String name) {
        return ACCESSORS.get(type).computeIfAbsent(name, key -> {
            String capital = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            for (String candidate : List.of(name, "get" + capital, "is" + capital)) {
                try {
                    Method method = type.getMethod(candidate);
                    if (!Modifier.isStatic(method.getModifiers()) && method.getReturnType() != void.class) {
                        return Optional.of(publicDeclaration(method));
                    }
                } catch (NoSuchMethodException notThisOne) {
                    // the next form
                }
            }
            return Optional.empty();
        }).orElse(null);
    }

    /** The method as declared by a public type (a list's {@code size()} through {@code List}, not a private class). */
    private static Method publicDeclaration(Method method) {
        if (Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
            return method;
        }
        for (Class<?> type = method.getDeclaringClass(); type != null; type = type.getSuperclass()) {
            for (Class<?> face : type.getInterfaces()) {
                try {
                    return publicDeclaration(face.getMethod(method.getName(), method.getParameterTypes()));
                } catch (NoSuchMethodException notHere) {
                    // another interface
                }
            }
        }
        return method;
    }

    /** The method's arguments split at top-level commas (not inside quotes, braces or brackets); null when unsure. */
    static List<String> arguments(String text) {
        List<String> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(text.substring(start, i).trim());
                start = i + 1;
            }
            if (depth < 0) {
                return null;
            }
        }
        if (quote != 0 || depth != 0) {
            return null;
        }
        out.add(text.substring(start).trim());
        return out;
    }

    /** One argument: a simple expression, a quoted text, {@code null}, or a literal the type converter reads (8, true). */
    private Expression argument(String text) {
        if (text.isEmpty() || text.endsWith(".class") || "*".equals(text)) {
            return null; // a type, or Camel's own binding of that parameter: the stock language
        }
        if (LanguageSupport.hasSimpleFunction(text)) {
            Expression expression = simpleLanguage().createExpression(text);
            expression.init(getCamelContext());
            return expression;
        }
        if (text.contains("(") || text.contains("$") || text.contains("{")) {
            return null;
        }
        Object value = "null".equals(text) ? null : StringHelper.removeLeadingAndEndingQuotes(text);
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return value;
            }
        };
    }

    private Language simpleLanguage() {
        if (simple == null) {
            simple = getCamelContext().resolveLanguage("simple");
        }
        return simple;
    }

    /** {@code map.get(key)}, what the stock OGNL lookup returns for a map. */
    private static final class MapEntry extends ExpressionAdapter {
        private final Map<?, ?> map;
        private final String key;
        private final Class<?> resultType;

        MapEntry(Map<?, ?> map, String key, Class<?> resultType) {
            this.map = map;
            this.key = key;
            this.resultType = resultType;
        }

        @Override
        public Object evaluate(Exchange exchange) {
            Object value = map.get(key);
            return resultType == null ? value : exchange.getContext().getTypeConverter().convertTo(resultType, exchange, value);
        }

        @Override
        public String toString() {
            return "[" + key + "]";
        }
    }

    /** A bean's method called on the route's exchange, with its arguments evaluated there. */
    private static final class DirectCall extends ExpressionAdapter {
        private final Object bean;
        private final String beanName;
        private final String methodName;
        private final Method method;
        private final Class<?>[] types;
        private final Expression[] arguments;
        private final Class<?> resultType;
        private final Expression stock;
        private final boolean thrownWrapped;

        DirectCall(Object bean, String beanName, String methodName, Method method, Expression[] arguments,
                   Class<?> resultType, Expression stock, boolean thrownWrapped) {
            this.bean = bean;
            this.beanName = beanName;
            this.methodName = methodName;
            this.method = method;
            this.types = method.getParameterTypes();
            this.arguments = arguments;
            this.resultType = resultType;
            this.stock = stock;
            this.thrownWrapped = thrownWrapped;
            if (!Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
                method.trySetAccessible();
            }
        }

        @Override
        public Object evaluate(Exchange exchange) {
            TypeConverter converter = exchange.getContext().getTypeConverter();
            Object[] values = new Object[arguments.length];
            for (int i = 0; i < values.length; i++) {
                Object value = arguments[i].evaluate(exchange, Object.class);
                Class<?> type = types[i].isPrimitive() ? wrapper(types[i]) : types[i];
                if (value == null ? types[i].isPrimitive() : !type.isInstance(value)) {
                    value = value == null ? null : converter.tryConvertTo(type, exchange, value);
                    if (value == null) {
                        return stock.evaluate(exchange, Object.class); // the stock binding decides
                    }
                }
                values[i] = value;
            }
            Object result;
            try {
                result = method.invoke(bean, values);
            } catch (InvocationTargetException e) {
                return failed(exchange, e.getTargetException());
            } catch (IllegalAccessException e) {
                return failed(exchange, e);
            }
            return resultType == null ? result : converter.convertTo(resultType, exchange, result);
        }

        private Object failed(Exchange exchange, Throwable cause) {
            if (thrownWrapped) {
                throw new RuntimeBeanExpressionException(exchange, beanName, methodName, cause);
            }
            exchange.setException(cause);
            return null;
        }

        private static Class<?> wrapper(Class<?> primitive) {
            return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
        }

        @Override
        public String toString() {
            return "DirectCall[" + beanName + "." + methodName + "]";
        }
    }
}
