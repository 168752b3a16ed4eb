package xpf.prop.junit;

import java.lang.reflect.Method;
import java.util.Arrays;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Makes {@link PropertyTest} methods work: resolves their {@link PropertyCheck} parameter with the test's id and
 * settings, and fails a test that checked no property (a property test that checks nothing would pass silently).
 * Set the JUnit configuration parameter {@code xpf.prop.allure=false} to skip Allure reporting.
 */
public final class PropertyExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PropertyExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PropertyCheck.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        PropertyTest annotation = AnnotationSupport.findAnnotation(method, PropertyTest.class).orElse(null);
        String id = context.getRequiredTestClass().getName() + "#" + method.getName();
        boolean allure = context.getConfigurationParameter("xpf.prop.allure").map(v -> !v.equals("false")).orElse(true);
        PropertyCheck check = new PropertyCheck(id, SettingsResolver.resolve(annotation, System::getProperty), allure);
        context.getStore(NS).put("check", check);
        return check;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            return;
        }
        Method method = context.getRequiredTestMethod();
        if (!AnnotationSupport.isAnnotated(method, PropertyTest.class)) {
            return;
        }
        PropertyCheck check = context.getStore(NS).get("check", PropertyCheck.class);
        boolean hasParameter = Arrays.stream(method.getParameterTypes()).anyMatch(t -> t == PropertyCheck.class);
        if (!hasParameter || check == null || check.checks() == 0) {
            throw new AssertionError("@PropertyTest " + method.getName() + " checked no property: take a PropertyCheck "
                    + "parameter and call check(...) on it");
        }
    }
}
