package dev.aman.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test once per storage backend, as {@code [sqlite]} and {@code [postgres]}, with an injected
 * {@link Aman} daemon in a fresh temporary home. The PostgreSQL leg runs when {@code AMAN_TEST_PG_URL} is
 * set (each test gets its own schema) and is skipped with that reason otherwise.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(AmanExtension.class)
public @interface AmanTest {
}
