package dev.oceanj.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks SPI surface that is new and may still change: a type, a method or a whole package (as
 * {@code dev.oceanj.spi.live}).
 *
 * <p>What incubating promises: the feature works, is tested and documented like the rest of the SPI, and the
 * runtime keeps serving integrations built against it within a minor version. What it does not promise yet: the
 * shape. A later minor version may rename, reshape or remove incubating types and methods without first deprecating
 * them; the change is then named in the release notes. Surface without this mark evolves only by additions and
 * deprecate-and-forward, as Kafka Connect's API does. The mark is lifted once the shape has held through real
 * integrations.
 *
 * @since 0.2
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.PACKAGE})
public @interface Incubating {}
