package io.runbook.testkit.mariadb;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a {@link MariaDbServer} parameter of a {@link MariaDbTest} class as the replica rather than the primary. */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface Replica {}
