package dev.aman.testing;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/** Provides the [sqlite] and [postgres] invocations of {@link AmanTest}. */
final class AmanExtension implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(AmanTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(invocation(Backend.SQLITE), invocation(Backend.POSTGRES));
    }

    private static TestTemplateInvocationContext invocation(Backend backend) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return "[" + backend.label() + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new PerTest(backend));
            }
        };
    }

    /** Creates the daemon fixture before the test and tears it down after. */
    private static final class PerTest implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PerTest.class);
        private final Backend backend;

        PerTest(Backend backend) {
            this.backend = backend;
        }

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            if (backend == Backend.POSTGRES) {
                Assumptions.assumeTrue(Backend.postgresUrl() != null,
                        "PostgreSQL leg skipped: AMAN_TEST_PG_URL is not set");
            }
            Path dir = Files.createTempDirectory("aman-test-");
            String storageUrl = backend == Backend.POSTGRES ? Backend.createSchema() : null;
            Method m = context.getRequiredTestMethod();
            context.getStore(NS).put("aman", new Aman(dir, backend, storageUrl, m.getName()));
        }

        @Override
        public void afterEach(ExtensionContext context) {
            Aman aman = context.getStore(NS).remove("aman", Aman.class);
            if (aman != null) {
                aman.close();
                if (context.getExecutionException().isPresent()) {
                    aman.printLog();
                }
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
            return parameterContext.getParameter().getType() == Aman.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
            return extensionContext.getStore(NS).get("aman", Aman.class);
        }
    }
}
